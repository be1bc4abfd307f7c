import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type ContinuationToken, type Engine } from '../../lib/engine/index';
import { PrefixCache } from '../../lib/engine/prefix-cache';
import { GREEDY, TINY, readReference } from './fixtures';

const ref = readReference();
const long = (i: number) => ref.prompts.map((p: any) => p.text).slice(i).concat(ref.prompts.map((p: any) => p.text)).join(' ').slice(0, 120);

/** All tokens of one call, by branch. */
async function collect(engine: Engine, prompt: string, branches: number, maxNewTokens: number, cacheKey?: string) {
  const byBranch: ContinuationToken[][] = [];
  const result = await engine.continuations(prompt, { branches, maxNewTokens, tokenHealing: false }, { cacheKey, onToken: (t) => void (byBranch[t.branch] ??= []).push(t) });
  return { byBranch, result };
}

const softmax = (row: number[]) => {
  const max = Math.max(...row);
  const e = row.map((x) => Math.exp(x - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('Engine.continuations', () => {
  let cached: Engine;
  let fresh: Engine;
  beforeAll(async () => {
    // fp32: the reference logits are the fp32 model's.
    cached = await loadEngine(TINY, { prefillChunk: 32, precision: 'fp32' });
    fresh = await loadEngine(TINY, { prefillChunk: 32, precision: 'fp32', prefixCache: false });
  });
  afterAll(async () => {
    await Promise.all([cached?.dispose(), fresh?.dispose()]);
  });

  it('branches on the most likely first tokens, with their probabilities under the reference logits', async () => {
    const p = ref.prompts[0];
    const probs = softmax(p.last_logits);
    const { byBranch } = await collect(fresh, p.text, 3, 1);
    expect(byBranch.map((b) => b[0].id)).toEqual(p.top_k.ids.slice(0, 3));
    for (const b of byBranch) expect(b[0].probability).toBeCloseTo(probs[b[0].id], 4);
  });

  it('branch 0 is the greedy continuation, the same tokens generate() picks', async () => {
    for (const p of ref.prompts.slice(0, 2)) {
      const { byBranch } = await collect(fresh, p.text, 2, 8);
      const g = await fresh.generate(p.text, { ...GREEDY, maxNewTokens: 8, speculative: false });
      expect(byBranch[0].map((t) => t.text).join('')).toBe(g.text);
      // A later branch starts elsewhere and still gets its own greedy tail.
      expect(byBranch[1][0].id).not.toBe(byBranch[0][0].id);
      expect(byBranch[1].length).toBe(8);
    }
  });

  it('reuses the prompt up to the first differing token (no chunk alignment), with the same tokens and probabilities as a fresh prefill', async () => {
    const base = long(1);
    await collect(cached, base, 1, 4, 'typing');
    let reusedSomewhere = 0;
    for (const more of ['', ' a', ' an', ' and more', ' and more text']) {
      const a = await collect(cached, base + more, 2, 6, 'typing');
      const b = await collect(fresh, base + more, 2, 6);
      expect(a.result.reusedPromptTokens).toBeLessThan(a.result.promptTokens);
      if (a.result.reusedPromptTokens >= a.result.promptTokens - 3) reusedSomewhere++;
      expect(a.byBranch.map((br) => br.map((t) => t.id))).toEqual(b.byBranch.map((br) => br.map((t) => t.id)));
      a.byBranch.flat().forEach((t, i) => expect(t.probability).toBeCloseTo(b.byBranch.flat()[i].probability, 4));
    }
    // Typing on costs a token or two of prefill, not the rest of a 32-token chunk.
    expect(reusedSomewhere).toBeGreaterThanOrEqual(3);
  });

  it('leaves generate() bit-identical to a fresh prefill after typing reused unaligned positions', async () => {
    const int8 = await loadEngine(TINY, { prefillChunk: 32 });
    const int8Fresh = await loadEngine(TINY, { prefillChunk: 32, prefixCache: false });
    try {
      const base = long(2);
      for (const more of ['', ' a', ' an']) await collect(int8, base + more, 1, 3);
      const a = await int8.generate(base + ' an example', { ...GREEDY, maxNewTokens: 12 });
      const b = await int8Fresh.generate(base + ' an example', { ...GREEDY, maxNewTokens: 12 });
      expect(a.text).toBe(b.text);
      // Only whole aligned chunks were reused.
      expect(a.reusedPromptTokens).toBeGreaterThanOrEqual(32);
      expect(a.reusedPromptTokens! % 32).toBe(0);
    } finally {
      await Promise.all([int8.dispose(), int8Fresh.dispose()]);
    }
  });

  it('typing at the end of a prompt longer than the window prefills only the new tokens', async () => {
    // Far past the fixture's 128 positions: the engine drops tokens from the front.
    const base = Array.from({ length: 8 }, (_, i) => long(i % 3)).join(' ');
    const first = await collect(cached, base, 2, 4, 'long');
    expect(first.result.promptTokens).toBeLessThan(128);
    expect(first.result.promptTokens).toBeGreaterThan(64);
    let typed = base;
    let fullPrefills = 0;
    for (const ch of ' and the model') {
      typed += ch;
      const { result } = await collect(cached, typed, 2, 4, 'long');
      // One stride dropped from the front now and then; otherwise only the last token or two are fed.
      if (result.reusedPromptTokens === 0) fullPrefills++;
      else expect(result.reusedPromptTokens).toBeGreaterThanOrEqual(result.promptTokens - 2);
    }
    expect(fullPrefills).toBeLessThanOrEqual(2);
  });

  it('int8: exact reuse stays within the per-run quantization tolerance of a fresh prefill', async () => {
    const int8 = await loadEngine(TINY, { prefillChunk: 32 });
    const int8Fresh = await loadEngine(TINY, { prefillChunk: 32, prefixCache: false });
    try {
      const base = long(0);
      await collect(int8, base, 1, 4);
      let worst = 0;
      // The tolerance: how far int8 already is from fp32 on the same prompts.
      let quantization = 0;
      for (const more of [' a', ' an', ' and', ' and more', ' and more text']) {
        const a = await collect(int8, base + more, 4, 1);
        const b = await collect(int8Fresh, base + more, 4, 1);
        const f = await collect(fresh, base + more, 4, 1);
        expect(a.result.reusedPromptTokens).toBeGreaterThan(a.result.promptTokens - 8);
        for (let i = 0; i < 4; i++) {
          worst = Math.max(worst, Math.abs(a.byBranch[i][0].probability - b.byBranch[i][0].probability));
          quantization = Math.max(quantization, Math.abs(b.byBranch[i][0].probability - f.byBranch[i][0].probability));
        }
        expect(a.byBranch[0][0].id).toBe(b.byBranch[0][0].id);
      }
      expect(worst).toBeLessThan(Math.max(0.01, quantization));
    } finally {
      await Promise.all([int8.dispose(), int8Fresh.dispose()]);
    }
  });

  it('ends a branch when the callback says so and stops at an aborted signal', async () => {
    const seen: number[] = [];
    await cached.continuations(long(0), { branches: 3, maxNewTokens: 10 }, {
      onToken: (t) => {
        seen.push(t.branch);
        return seen.filter((b) => b === t.branch).length === 2;
      },
    });
    expect(seen).toEqual([0, 0, 1, 1, 2, 2]);
    const ctrl = new AbortController();
    ctrl.abort();
    const r = await cached.continuations(long(0), { branches: 3, maxNewTokens: 10 }, { signal: ctrl.signal, onToken: () => {} });
    expect(r.aborted).toBe(true);
  });

  it('rejects bad options with a message naming them', async () => {
    await expect(cached.continuations('x', { branches: 0, maxNewTokens: 4 }, { onToken: () => {} })).rejects.toThrow(/branches/);
    await expect(cached.continuations('x', { branches: 1, maxNewTokens: 0 }, { onToken: () => {} })).rejects.toThrow(/maxNewTokens/);
  });
});

describe('PrefixCache.adopt(exact)', () => {
  it('keeps the whole common prefix and lowers alignedEnd to the last complete chunk in it', () => {
    const pc = new PrefixCache(64);
    const ids = Array.from({ length: 200 }, (_, i) => i);
    pc.ids = ids.slice(0, 150);
    pc.alignedEnd = 128;
    pc.cache.length = 150;
    expect(pc.adopt([...ids.slice(0, 100), -1], true)).toBe(100);
    expect(pc.alignedEnd).toBe(64);
    expect(pc.adopt(ids.slice(0, 100), true)).toBe(99);
  });
});
