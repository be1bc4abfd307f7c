import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../lib/engine/index';
import { PrefixCache, PrefixCaches } from '../../lib/engine/prefix-cache';
import { GREEDY, TINY, readReference } from './fixtures';

const ref = readReference();
const G = { ...GREEDY, maxNewTokens: 12 };
// Longer than one prefill chunk (32 tokens here; the fixture's context is 128), so there is something to reuse.
const long = (i: number) => ref.prompts.map((p: any) => p.text).slice(i).concat(ref.prompts.map((p: any) => p.text)).join(' ').slice(0, 120);

describe('prefix KV cache between consecutive generations', () => {
  let cached: Engine;
  let fresh: Engine;
  // int8 on purpose: its activations are quantized per run, and the aligned prefill chunks
  // must make a reused cache give bit-identical results to a fresh prefill.
  beforeAll(async () => {
    cached = await loadEngine(TINY, { prefillChunk: 32 });
    fresh = await loadEngine(TINY, { prefillChunk: 32, prefixCache: false });
  });
  afterAll(async () => {
    await Promise.all([cached?.dispose(), fresh?.dispose()]);
  });

  it('reuses the cache when the new prompt extends prompt + completion, with the same output as without a cache', async () => {
    let reusedSomewhere = 0;
    for (const p of [0, 1, 2].map((i) => ({ text: long(i) }))) {
      const first = await cached.generate(p.text, G);
      expect(first.promptTokens).toBeGreaterThan(64);
      expect(first.reusedPromptTokens).toBe(0);
      for (const more of ['', ' the', ' and more text']) {
        const next = p.text + first.text + more;
        const a = await cached.generate(next, G);
        const b = await fresh.generate(next, G);
        expect(a.text).toBe(b.text);
        expect(b.reusedPromptTokens).toBe(0);
        expect(a.reusedPromptTokens).toBeLessThan(a.promptTokens!);
        if (a.reusedPromptTokens! > 0) reusedSomewhere++;
        // Back to the original prompt: the cache is cut back to the shared prefix.
        const c = await cached.generate(p.text, G);
        expect(c.reusedPromptTokens).toBeLessThan(c.promptTokens!);
        expect(c.text).toBe(first.text);
        await cached.generate(next, { ...G, maxNewTokens: 1 }); // leave the cache at `next` for the next round
      }
    }
    expect(reusedSomewhere).toBeGreaterThan(0);
  });

  it('stays correct after an aborted generation', async () => {
    const p = long(1);
    const ctrl = new AbortController();
    let n = 0;
    await cached.generate(p, { ...G, maxNewTokens: 20 }, { signal: ctrl.signal, onDelta: () => ++n === 2 && ctrl.abort() });
    const a = await cached.generate(p + ' more', G);
    const b = await fresh.generate(p + ' more', G);
    expect(a.text).toBe(b.text);
  });

  it('reuses an edited prompt up to the edit: same output as without a cache', async () => {
    const p = long(0);
    await cached.generate(p, G);
    const edited = p.slice(0, p.length - 6) + ' with an edit';
    const a = await cached.generate(edited, G);
    const b = await fresh.generate(edited, G);
    expect(a.reusedPromptTokens).toBeGreaterThan(0);
    expect(a.text).toBe(b.text);
  });

  it('keeps the longest common prefix within the aligned chunks, always leaving one token to feed', () => {
    const pc = new PrefixCache(64);
    const ids = Array.from({ length: 200 }, (_, i) => i);
    const fill = (n: number, aligned: number) => {
      pc.ids = ids.slice(0, n);
      pc.alignedEnd = aligned;
      pc.cache.length = n; // no tensors: truncate only moves the length
    };
    fill(150, 128);
    expect(pc.adopt(ids.slice(0, 160))).toBe(128);
    fill(150, 128);
    expect(pc.adopt(ids.slice(0, 128))).toBe(64);
    fill(150, 128);
    expect(pc.adopt([...ids.slice(0, 100), -1, -1])).toBe(64);
    expect(pc.ids.length).toBe(64);
    fill(150, 128);
    expect(pc.adopt([...ids.slice(0, 50), -1, -1])).toBe(0);
    expect(pc.ids).toEqual([]);
  });

  it('is kept per cache key: another origin never reuses it, the same origin typing on still does', async () => {
    const engine = await loadEngine(TINY, { prefillChunk: 32 });
    try {
      const a = 'https://a.example';
      const b = 'https://b.example';
      const text = long(0);
      const first = await engine.generate(text, G, { cacheKey: a });
      expect(first.reusedPromptTokens).toBe(0);
      // Same prompt from another site: full prefill, whatever a.example typed.
      const other = await engine.generate(text + first.text, G, { cacheKey: b });
      expect(other.promptTokens).toBeGreaterThan(64);
      expect(other.reusedPromptTokens).toBe(0);
      // a.example typing on keeps its speed, even after b.example ran in between.
      const typed = await engine.generate(text + first.text + ' and', G, { cacheKey: a });
      expect(typed.reusedPromptTokens).toBeGreaterThanOrEqual(64);
      // b.example continuing its own text reuses its own cache.
      const otherAgain = await engine.generate(text + first.text + ' and', G, { cacheKey: b });
      expect(otherAgain.reusedPromptTokens).toBeGreaterThanOrEqual(64);
    } finally {
      await engine.dispose();
    }
  });

  it('drops the least recently used key beyond its slots', () => {
    const caches = new PrefixCaches(32, 2);
    const a = caches.for('a');
    caches.for('b');
    expect(caches.for('a')).toBe(a);
    caches.for('c');
    expect(caches.keys).toEqual(['a', 'c']);
    expect(caches.for('b')).not.toBe(a);
    expect(caches.keys).toEqual(['c', 'b']);
  });
});
