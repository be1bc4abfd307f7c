import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../lib/engine/index';
import { GREEDY, TINY, readReference } from './fixtures';

const ref = readReference();

describe('ignoreEos (benchmarks: always the full token count)', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(TINY);
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('generates exactly maxNewTokens where sampling would stop at <|endoftext|>', async () => {
    const hot = { temperature: 2, topK: 0, topP: 1, repetitionPenalty: 1, stopAtSentenceEnd: false, tokenHealing: false, maxNewTokens: 100 };
    let checked = 0;
    for (let seed = 0; seed < 40 && checked < 3; seed++) {
      const plain = await engine.generate(ref.prompts[0].text, { ...hot, seed });
      if (plain.stopReason !== 'eos') continue;
      const full = await engine.generate(ref.prompts[0].text, { ...hot, seed, ignoreEos: true });
      expect(full.stopReason).toBe('max_tokens');
      expect(full.tokens).toBe(100);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('changes nothing when off or when generation ends before eos', async () => {
    const p = ref.prompts[0].text;
    const a = await engine.generate(p, { ...GREEDY, maxNewTokens: 5 });
    const b = await engine.generate(p, { ...GREEDY, maxNewTokens: 5, ignoreEos: false });
    expect(b.text).toBe(a.text);
  });

  it('is validated like the other settings', async () => {
    await expect(engine.generate('x', { ...GREEDY, maxNewTokens: 2, ignoreEos: 'yes' as any })).rejects.toThrow('ignoreEos must be true or false');
  });
});
