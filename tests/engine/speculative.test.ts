import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../lib/engine/index';
import { KvCache } from '../../lib/engine/decoder';
import { draftFromHistory } from '../../lib/engine/drafting';
import { GREEDY, TINY, openDecoder, readReference, tally } from './fixtures';


const ref = readReference();
// Repetitive prompts give prompt-lookup drafts from the first step; the fixture's greedy text loops too.
const PROMPTS = [
  ...ref.prompts.map((p: any) => p.text as string),
  'the model the model the model the model the',
  'a b c d a b c d a b c d a b',
  'We propose a method. We propose a method. We propose a',
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('draftFromHistory (prompt lookup)', () => {
  it('drafts what followed the most recent earlier occurrence of the longest suffix (3, then 2)', () => {
    expect(draftFromHistory([1, 2, 3, 9, 1, 2, 3, 8, 7, 1, 2, 3], 4)).toEqual([8, 7, 1, 2]);
    expect(draftFromHistory([5, 2, 3, 9, 1, 2, 3], 4)).toEqual([9, 1, 2, 3]);
    expect(draftFromHistory([1, 2, 3, 4, 5], 4)).toEqual([]);
    expect(draftFromHistory([7, 7, 7], 6)).toEqual([7]);
    expect(draftFromHistory([1, 2, 9, 1, 2], 0)).toEqual([]);
    expect(draftFromHistory([1, 2, 9, 1, 2], 1)).toEqual([9]);
  });
});

describe('speculative greedy decoding on the fp32 fixture', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(TINY, { precision: 'fp32', prefixCache: false });
  });
  afterAll(async () => {
    await engine?.dispose();
  });

  it('gives the same output as sequential greedy, and accepts drafts', async () => {
    const { sum: speculation, add } = tally();
    for (const prompt of PROMPTS) {
      for (const extra of [{}, { repetitionPenalty: 1.3 }, { ignoreEos: true }, { tokenHealing: true }, { stopAtSentenceEnd: true }]) {
        const opts = { ...GREEDY, maxNewTokens: 60, ...extra };
        const off = add(await engine.generate(prompt, { ...opts, speculative: false }));
        const on = add(await engine.generate(prompt, opts));
        expect([on.text, on.tokens, on.stopReason], `${prompt} ${JSON.stringify(extra)}`).toEqual([off.text, off.tokens, off.stopReason]);
      }
    }
    expect(speculation.runs).toBeGreaterThan(0);
    expect(speculation.accepted).toBeGreaterThan(20);
    expect(speculation.accepted).toBeLessThan(speculation.drafted);
  });

  it('is off with speculative: false', async () => {
    const { sum: speculation, add } = tally();
    add(await engine.generate(PROMPTS[4], { ...GREEDY, maxNewTokens: 30, speculative: false }));
    add(await engine.generate(PROMPTS[4], { ...GREEDY, maxNewTokens: 30, temperature: 0.7, seed: 1, speculative: false }));
    expect(speculation).toEqual({ runs: 0, drafted: 0, accepted: 0, tableRuns: 0 });
    await expect(engine.generate('x', { ...GREEDY, maxNewTokens: 2, speculative: 'yes' as any })).rejects.toThrow('speculative must be true or false');
  });

  it('samples exactly the same text with a seed: each row is sampled as the sequential step would be', async () => {
    const { sum: speculation, add } = tally();
    for (const prompt of PROMPTS) {
      for (const sampling of [
        { temperature: 0.7, topK: 0, topP: 1 },
        { temperature: 0.8, topK: 40, topP: 0.9, repetitionPenalty: 1.2 },
        { temperature: 0.3, topK: 5, topP: 0.95, tokenHealing: true },
      ]) {
        for (const seed of [1, 2]) {
          const opts = { ...GREEDY, maxNewTokens: 50, ...sampling, seed };
          const off = add(await engine.generate(prompt, { ...opts, speculative: false }));
          const on = add(await engine.generate(prompt, opts));
          expect([on.text, on.tokens, on.stopReason], `${prompt} ${JSON.stringify(sampling)} seed ${seed}`).toEqual([off.text, off.tokens, off.stopReason]);
        }
      }
    }
    // Drafts were made and some survived sampling.
    expect(speculation.runs).toBeGreaterThan(10);
    expect(speculation.accepted).toBeGreaterThan(10);
  });

  it('generates exactly maxNewTokens', async () => {
    for (const n of [1, 2, 3, 5, 7, 8, 13, 40]) {
      for (const prompt of PROMPTS.slice(4)) {
        const opts = { ...GREEDY, maxNewTokens: n, ignoreEos: true };
        const on = await engine.generate(prompt, opts);
        const off = await engine.generate(prompt, { ...opts, speculative: false });
        expect(on.tokens).toBe(n);
        expect(on.stopReason).toBe('max_tokens');
        expect(on.text).toBe(off.text);
      }
    }
  });

  it('streams exactly the final text', async () => {
    for (const prompt of PROMPTS) {
      for (const stopAtSentenceEnd of [false, true]) {
        let streamed = '';
        const r = await engine.generate(prompt, { ...GREEDY, maxNewTokens: 50, tokenHealing: true, stopAtSentenceEnd }, { onDelta: (d) => (streamed += d) });
        expect(streamed).toBe(r.text);
      }
    }
  });

  it('stops within one step of an abort, even inside an accepted draft', async () => {
    for (const prompt of PROMPTS.slice(4)) {
      for (const at of [1, 3, 6]) {
        const ctrl = new AbortController();
        let deltas = 0;
        let afterAbort = 0;
        let streamed = '';
        const r = await engine.generate(prompt, { ...GREEDY, maxNewTokens: 60, ignoreEos: true }, {
          signal: ctrl.signal,
          onDelta: (d) => {
            if (ctrl.signal.aborted) afterAbort++;
            streamed += d;
            if (++deltas === at) ctrl.abort();
          },
        });
        expect(r.stopReason).toBe('aborted');
        expect(afterAbort).toBe(0);
        expect(r.text).toBe(streamed);
        expect(r.tokens).toBeLessThan(60);
      }
    }
  });
});

describe('KV cache after a rejected draft', () => {
  let d: Awaited<ReturnType<typeof openDecoder>>;
  beforeAll(async () => {
    d = await openDecoder(TINY, 'onnx/model.onnx');
  });
  afterAll(async () => d.session.release());

  it('truncated cache gives the logits of an uncached run over the accepted tokens', async () => {
    const ids: number[] = ref.prompts[1].input_ids;
    const draft = [5, 17, 42, 99];
    for (const keep of [0, 1, 2, 3]) {
      const cache = new KvCache();
      (await d.decoder.forward(ids, cache)).dispose();
      (await d.decoder.forward([7, ...draft], cache)).dispose();
      cache.truncate(ids.length + 1 + keep);
      expect(cache.length).toBe(ids.length + 1 + keep);
      const next = await d.decoder.forward([11], cache);
      const full = await d.decoder.forward([...ids, 7, ...draft.slice(0, keep), 11], new KvCache());
      expect(maxAbsDiff(next.row(0), full.row(full.seqLength - 1))).toBeLessThan(1e-4);
      expect(cache.views()[0].dims[2]).toBe(ids.length + keep + 2);
      next.dispose();
      full.dispose();
      cache.dispose();
    }
  });
});
