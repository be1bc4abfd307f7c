import { describe, expect, it } from 'vitest';
import { PROMPT_DROP_STRIDE, fitPrompt, scoringWindows } from './context-window';

describe('fitPrompt', () => {
  const ids = Array.from({ length: 100 }, (_, i) => i);
  it('keeps the last tokens that leave room for the completion, dropping whole strides', () => {
    const fit = fitPrompt(ids, 64, 16);
    // 52 too many; the stride is half the 48-token room (24): 72 dropped.
    expect(fit.ids).toEqual(ids.slice(72));
    expect(fit.ids.length + fit.maxNewTokens).toBeLessThanOrEqual(64);
    expect(fit.maxNewTokens).toBe(16);
  });
  it('keeps the same start while tokens are appended, moving it one stride at a time', () => {
    const long = Array.from({ length: 2000 }, (_, i) => i);
    const starts = new Set<number>();
    for (let n = 641; n < 641 + 3 * PROMPT_DROP_STRIDE; n++) {
      const fit = fitPrompt(long.slice(0, n), 512, 64);
      expect(fit.ids.length).toBeLessThanOrEqual(512 - 64);
      expect(fit.ids.length).toBeGreaterThan(512 - 64 - PROMPT_DROP_STRIDE);
      expect(fit.ids[fit.ids.length - 1]).toBe(n - 1);
      starts.add(fit.ids[0]);
    }
    expect([...starts]).toEqual([256, 320, 384]);
    for (const s of starts) expect(s % PROMPT_DROP_STRIDE).toBe(0);
  });
  it('leaves a short prompt alone', () => {
    expect(fitPrompt(ids.slice(0, 10), 64, 16).ids).toEqual(ids.slice(0, 10));
  });
  it('caps maxNewTokens so one prompt token stays', () => {
    expect(fitPrompt(ids, 64, 512)).toEqual({ ids: [99], maxNewTokens: 63 });
  });
});

describe('scoringWindows', () => {
  it.each([
    [2, 8, 4],
    [8, 8, 4],
    [9, 8, 4],
    [37, 8, 4],
    [300, 128, 64],
    [300, 128, 1],
  ])('length %i, window %i, stride %i: every token after the first scored once, in windows that fit', (length, w, stride) => {
    const counts = new Array(length).fill(0);
    const windows = scoringWindows(length, w, stride);
    windows.forEach((win, i) => {
      expect(win.end - win.begin).toBeLessThanOrEqual(w);
      expect(win.firstTarget).toBeGreaterThan(win.begin);
      if (i > 0) expect(win.firstTarget - win.begin).toBeGreaterThanOrEqual(Math.min(w - stride, win.firstTarget));
      for (let t = win.firstTarget; t < win.end; t++) counts[t]++;
    });
    expect(counts[0]).toBe(0);
    expect(counts.slice(1).every((c) => c === 1)).toBe(true);
  });

  it('has nothing to score without at least two tokens', () => {
    expect(scoringWindows(1, 8, 4)).toEqual([]);
  });
});
