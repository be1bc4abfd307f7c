/**
 * KV caches kept between calls, per owner, and how much of one a new context
 * may reuse (see DEFAULT_PREFILL_CHUNK in prefill.ts for why reuse is aligned).
 */
import { KvCache } from './decoder';

/**
 * The KV cache left by the previous generation and the tokens it holds.
 * `generate` reuses only positions in complete aligned prefill chunks
 * (`alignedEnd`): it keeps the longest common token prefix with its context,
 * rounded down to a chunk boundary, and prefills only the rest, so its output
 * is bit-identical to a fresh prefill. Typing suggestions (`exact`) keep the
 * whole common prefix, including tokens decoded one at a time or prefilled
 * from an unaligned start: their keys/values differ from a fresh prefill's
 * only by the int8 model's per-run activation quantization, and a keystroke
 * then costs a few tokens instead of up to a chunk.
 */
export class PrefixCache {
  constructor(readonly chunk: number) {}

  cache = new KvCache();
  ids: number[] = [];
  /** Positions [0, alignedEnd) were computed in complete aligned chunks from position 0. */
  alignedEnd = 0;

  /** Keeps the reusable prefix for `context` (at least one token left to feed); returns its length (0 = cleared). */
  adopt(context: readonly number[], exact = false): number {
    const limit = Math.min(this.ids.length, exact ? Infinity : this.alignedEnd, context.length - 1);
    let n = 0;
    while (n < limit && this.ids[n] === context[n]) n++;
    if (!exact) n -= n % this.chunk;
    if (n === 0) {
      // Keeps the cache's buffers: the next prompt refills them instead of allocating new ones.
      this.cache.truncate(0);
      this.forget();
      return 0;
    }
    this.cache.truncate(n);
    this.ids.length = n;
    this.alignedEnd = Math.min(this.alignedEnd, n - (n % this.chunk));
    return n;
  }

  /** Empties the cache and frees its buffers. */
  clear(): void {
    this.cache.dispose();
    this.forget();
  }

  private forget(): void {
    this.ids = [];
    this.alignedEnd = 0;
  }
}

/**
 * Prefix caches by owner (GenerateCallbacks.cacheKey, e.g. the page's origin).
 * A call only ever reuses its own owner's cache: a shared cache would let a
 * page learn, from its time to first token, whether another site's text began
 * like its own. The least recently used owner's cache is dropped beyond
 * `slots`, which bounds memory (a full-context cache of the bundled model is
 * about 15 MB) while one page's typing keeps its reuse.
 */
export class PrefixCaches {
  private readonly byKey = new Map<string, PrefixCache>();

  constructor(
    readonly chunk: number,
    readonly slots = 2,
  ) {}

  /** The cache of `key` (a fresh, empty one the first time), now the most recently used. */
  for(key: string): PrefixCache {
    let cache = this.byKey.get(key);
    if (cache) this.byKey.delete(key);
    else cache = new PrefixCache(this.chunk);
    this.byKey.set(key, cache);
    for (const [oldKey, old] of this.byKey) {
      if (this.byKey.size <= this.slots) break;
      old.clear();
      this.byKey.delete(oldKey);
    }
    return cache;
  }

  /** Owners with a cache, least recently used first. */
  get keys(): string[] {
    return [...this.byKey.keys()];
  }

  clear(): void {
    for (const cache of this.byKey.values()) cache.clear();
    this.byKey.clear();
  }
}
