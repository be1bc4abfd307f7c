import { describe, expect, it } from 'vitest';
import { typingDelays } from './typist';

const TEXT = 'We propose a method for learning representations, and we evaluate it. Results improve on the baseline.';

describe('typingDelays', () => {
  it('is reproducible for a seed and differs for another', () => {
    const a = typingDelays(TEXT, { charsPerSecond: 6, seed: 11 });
    expect(typingDelays(TEXT, { charsPerSecond: 6, seed: 11 })).toEqual(a);
    expect(typingDelays(TEXT, { charsPerSecond: 6, seed: 12 })).not.toEqual(a);
    expect(a).toHaveLength(TEXT.length);
  });

  it('averages the requested speed but varies, pausing longer after words and punctuation', () => {
    const d = typingDelays(TEXT, { charsPerSecond: 6, seed: 11 });
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(d)).toBeCloseTo(1000 / 6, 6);
    expect(Math.max(...d) / Math.min(...d)).toBeGreaterThan(3);
    const at = (test: (ch: string) => boolean) => d.filter((_, i) => test(TEXT[i]!));
    const inWord = at((ch) => /[A-Za-z]/.test(ch));
    expect(mean(at((ch) => ch === ' '))).toBeGreaterThan(mean(inWord));
    expect(mean(at((ch) => /[,.]/.test(ch)))).toBeGreaterThan(mean(at((ch) => ch === ' ')));
  });
});
