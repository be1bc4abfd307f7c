/**
 * Greedy continuations with each token's probability, for suggestions as the
 * user types: the k most likely first tokens, each continued greedily, from
 * one shared prefill. The caller decides per token when a branch ends (its
 * confidence rule, word limit, sentence end), so a branch costs only the
 * tokens it keeps. The prompt's KV cache is reused up to the first token that
 * differs from the previous call's (see PrefixCache.adopt's `exact`).
 */
import type { ContinuationCallbacks, ContinuationOptions, ContinuationResult } from './types';
import { KvCache } from './decoder';
import type { TokenPool } from './sampler';
import type { GeneratorParts } from './generator-parts';
import { healingConstraint, promptContext } from './prompt-context';
import { prefill } from './prefill';

/**
 * Probability of `id` under softmax(row), over `pool` when given (the healing
 * constraint's allowed set), and the probability of the ids in `marked`.
 */
export function tokenProbability(row: Float32Array, id: number, pool?: TokenPool, marked?: Uint8Array): { p: number; markedP: number } {
  let max = -Infinity;
  const n = pool ? pool.size : row.length;
  for (let j = 0; j < n; j++) max = Math.max(max, row[pool ? pool.ids[j] : j]);
  let sum = 0;
  let markedSum = 0;
  for (let j = 0; j < n; j++) {
    const i = pool ? pool.ids[j] : j;
    const e = Math.exp(row[i] - max);
    sum += e;
    if (marked?.[i]) markedSum += e;
  }
  return { p: Math.exp(row[id] - max) / sum, markedP: markedSum / sum };
}

/** The `k` highest-logit ids (best first, lower id on ties), over `pool` when given, never `exclude`. */
export function topIds(row: Float32Array, k: number, exclude: number, pool?: TokenPool): number[] {
  const best: number[] = [];
  const n = pool ? pool.size : row.length;
  for (let j = 0; j < n; j++) {
    const id = pool ? pool.ids[j] : j;
    if (id === exclude) continue;
    let at = best.length;
    while (at > 0 && (row[best[at - 1]] < row[id] || (row[best[at - 1]] === row[id] && best[at - 1] > id))) at--;
    if (at >= k) continue;
    best.splice(at, 0, id);
    if (best.length > k) best.pop();
  }
  return best;
}

export async function generateContinuations(
  parts: GeneratorParts,
  prompt: string,
  opts: ContinuationOptions,
  callbacks: ContinuationCallbacks,
): Promise<ContinuationResult> {
  const start = now();
  const { signal, onToken } = callbacks;
  const ctx = promptContext(parts, prompt, opts.maxNewTokens, opts.tokenHealing !== false);
  const { context, removed } = ctx;

  const prefix = parts.prefixes?.for(callbacks.cacheKey ?? '');
  const reused = prefix ? prefix.adopt(context, true) : 0;
  const cache = prefix ? prefix.cache : new KvCache();
  const fed = prefix ? prefix.ids : [];
  let tokens = 0;
  let aborted = false;
  let intact = true;
  try {
    intact = false;
    const out = await prefill(parts.decoder, context.slice(reused), cache, fed, parts.prefillChunk, prefix);
    intact = true;
    const base = cache.length;
    // Kept as a copy: later runs reuse ORT's output buffers.
    const firstRow = out.row(out.seqLength - 1).slice();
    out.dispose();
    const firstConstraint = healingConstraint(parts, ctx);
    const firstPool = firstConstraint?.active ? firstConstraint.allowed() : undefined;
    const firsts = topIds(firstRow, Math.max(1, opts.branches), parts.eosTokenId, firstPool);
    const spaces = parts.spaceStarts;
    const firstProbs = firsts.map((id) => tokenProbability(firstRow, id, firstPool, spaces));

    for (let b = 0; b < firsts.length && !aborted; b++) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      if (cache.length > base) {
        cache.truncate(base);
        fed.length = base;
      }
      const constraint = healingConstraint(parts, ctx);
      // Bytes of the backed-off prompt tail that the branch's first tokens re-create, hidden from its text.
      let skip = removed.length;
      const decoder = new TextDecoder('utf-8');
      let id = firsts[b];
      let { p, markedP: spaceP } = firstProbs[b];
      for (let step = 0; ; step++) {
        let bytes = parts.table.bytesOf(id);
        constraint?.advance(id);
        if (skip > 0) {
          const drop = Math.min(skip, bytes.length);
          skip -= drop;
          bytes = bytes.subarray(drop);
        }
        tokens++;
        const text = bytes.length > 0 ? decoder.decode(bytes, { stream: true }) : '';
        if (onToken({ branch: b, id, text, probability: p, spaceProbability: spaceP, end: false }) === true) break;
        if (step + 1 >= ctx.maxNewTokens) break;
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        intact = false;
        const next = await parts.decoder.forward([id], cache);
        fed.push(id);
        intact = true;
        try {
          const row = next.row(0);
          const pool = constraint?.active ? constraint.allowed() : undefined;
          id = argmaxOf(row, pool);
          ({ p, markedP: spaceP } = tokenProbability(row, id, pool, spaces));
        } finally {
          next.dispose();
        }
        if (id === parts.eosTokenId) {
          onToken({ branch: b, id, text: '', probability: p, spaceProbability: spaceP, end: true });
          break;
        }
      }
    }
  } finally {
    if (!prefix) cache.dispose();
    else if (!intact) prefix.clear();
  }
  return { promptTokens: context.length, reusedPromptTokens: reused, tokens, aborted, totalMs: now() - start };
}

function argmaxOf(row: Float32Array, pool?: TokenPool): number {
  return topIds(row, 1, -1, pool)[0];
}

const now = () => (globalThis.performance ?? Date).now();
