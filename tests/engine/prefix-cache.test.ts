import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../lib/engine/index';
import { PrefixCache } from '../../lib/engine/generator';
import { GREEDY, TINY, readReference } from './fixtures';

const ref = readReference();
const G = { ...GREEDY, maxNewTokens: 12 };

describe('prefix KV cache between consecutive generations', () => {
  let cached: Engine;
  let fresh: Engine;
  // fp32: the int8 model quantizes activations per call (DynamicQuantizeLinear over the whole
  // input), so its logits depend slightly on how the tokens were split into runs.
  beforeAll(async () => {
    cached = await loadEngine(TINY, { precision: 'fp32' });
    fresh = await loadEngine(TINY, { precision: 'fp32', prefixCache: false });
  });
  afterAll(async () => {
    await Promise.all([cached?.dispose(), fresh?.dispose()]);
  });

  it('reuses the cache when the new prompt extends prompt + completion, with the same output as without a cache', async () => {
    let reusedSomewhere = 0;
    for (const p of ref.prompts) {
      const first = await cached.generate(p.text, G);
      expect(first.reusedPromptTokens).toBe(0);
      for (const more of ['', ' the', ' and more text']) {
        const next = p.text + first.text + more;
        const a = await cached.generate(next, G);
        const b = await fresh.generate(next, G);
        expect(a.text).toBe(b.text);
        expect(b.reusedPromptTokens).toBe(0);
        expect(a.reusedPromptTokens).toBeLessThan(a.promptTokens!);
        if (a.reusedPromptTokens! > 0) reusedSomewhere++;
        // Back to the original prompt: not an extension, so everything is prefilled again.
        const c = await cached.generate(p.text, G);
        expect(c.reusedPromptTokens).toBe(0);
        expect(c.text).toBe(first.text);
        await cached.generate(next, { ...G, maxNewTokens: 1 }); // leave the cache at `next` for the next round
      }
    }
    expect(reusedSomewhere).toBeGreaterThan(0);
  });

  it('stays correct after an aborted generation', async () => {
    const p = ref.prompts[1].text;
    const ctrl = new AbortController();
    let n = 0;
    await cached.generate(p, { ...G, maxNewTokens: 20 }, { signal: ctrl.signal, onDelta: () => ++n === 2 && ctrl.abort() });
    const a = await cached.generate(p + ' more', G);
    const b = await fresh.generate(p + ' more', G);
    expect(a.text).toBe(b.text);
  });

  it('reuses only an exact token prefix and always leaves one token to feed', () => {
    const pc = new PrefixCache();
    pc.ids = [1, 2, 3];
    expect(pc.reusable([1, 2, 3, 4])).toBe(3);
    expect(pc.reusable([1, 2, 3])).toBe(0);
    expect(pc.reusable([1, 2, 4, 5])).toBe(0);
    expect(pc.reusable([1, 2])).toBe(0);
  });
});
