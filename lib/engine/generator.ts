/**
 * The generation loop: one prefill run over the prompt, then one run per
 * token with the KV cache. Per token it processes only the last row of
 * logits (a view), and allocates nothing sized by the vocabulary.
 */
import type { GenerateCallbacks, GenerationResult, SamplingOptions, StopReason } from './types';
import { Decoder, KvCache } from './decoder';
import { TokenSampler, applyRepetitionPenalty } from './sampler';
import type { TokenBytes } from './token-bytes';
import { planTokenHealing, HealingConstraint } from './token-healing';
import { CompletionStream } from './completion-stream';
import { fitPrompt } from './context-window';
import { mulberry32, randomSeed } from './prng';

export interface GeneratorParts {
  decoder: Decoder;
  encode: (text: string) => number[];
  table: TokenBytes;
  sampler: TokenSampler;
  /** Reused by token healing; as long as the largest first-byte bucket. */
  healingPool: Int32Array;
  eosTokenId: number;
  nPositions: number;
  /** Prefill run length, aligned to absolute positions (see DEFAULT_PREFILL_CHUNK). */
  prefillChunk: number;
  /** The previous generation's KV cache, reused when the next context extends it (see PrefixCache). */
  prefix?: PrefixCache;
}

/**
 * Prompts are prefilled in runs aligned to absolute positions 0, C, 2·C, …
 * The int8 model quantizes activations per run (DynamicQuantizeLinear over the
 * whole input), so logits depend on how tokens are split into runs; with a
 * fixed split, a position's keys/values depend only on the tokens up to it,
 * and a reused cache gives bit-identical results to a fresh prefill.
 * C = 128 by default: measured on the bundled shape, 64-token runs made a
 * cold 256-token prefill ~3 % slower with 1 thread and ~45 % with 2 (smaller
 * matrices per run); 128 cost ~0 % and ~11 %. Prompts up to C tokens run in
 * one pass, exactly as transformers.js does.
 */
export const DEFAULT_PREFILL_CHUNK = 128;

/**
 * The KV cache left by the previous generation and the tokens it holds.
 * Positions in complete aligned prefill chunks (`alignedEnd`) can be reused:
 * the next call keeps the longest common token prefix with its context,
 * rounded down to a chunk boundary (the user kept typing after, accepted, or
 * edited the end of the last completion), and prefills only the rest. Tokens
 * fed one at a time while decoding are never reused, since a fresh call would
 * prefill them in a chunk.
 */
export class PrefixCache {
  constructor(readonly chunk: number) {}

  cache = new KvCache();
  ids: number[] = [];
  /** Positions [0, alignedEnd) were computed in complete aligned chunks. */
  alignedEnd = 0;

  /** Keeps the reusable prefix for `context` (at least one token left to feed); returns its length (0 = cleared). */
  adopt(context: readonly number[]): number {
    const limit = Math.min(this.ids.length, this.alignedEnd, context.length - 1);
    let n = 0;
    while (n < limit && this.ids[n] === context[n]) n++;
    n -= n % this.chunk;
    if (n === 0) {
      this.clear();
      return 0;
    }
    this.cache.truncate(n);
    this.ids.length = n;
    this.alignedEnd = n;
    return n;
  }

  clear(): void {
    this.cache.dispose();
    this.ids = [];
    this.alignedEnd = 0;
  }
}

/** Runs `ids` (starting at a chunk boundary) in aligned chunks; returns the last chunk's output. */
async function prefill(decoder: Decoder, ids: readonly number[], cache: KvCache, fed: number[], chunkSize: number, prefix?: PrefixCache) {
  let start = 0;
  for (;;) {
    const end = Math.min(ids.length, start + chunkSize - (cache.length % chunkSize));
    const chunk = ids.slice(start, end);
    const out = await decoder.forward(chunk, cache);
    for (const t of chunk) fed.push(t);
    if (prefix && cache.length % chunkSize === 0) prefix.alignedEnd = cache.length;
    if (end === ids.length) return out;
    out.dispose();
    start = end;
  }
}

export async function generateText(
  parts: GeneratorParts,
  prompt: string,
  opts: SamplingOptions,
  callbacks: GenerateCallbacks = {},
): Promise<GenerationResult> {
  const start = now();
  let firstDeltaAt = -1;
  const { signal, onDelta } = callbacks;
  if (prompt.length === 0) throw new Error('prompt is empty');

  const fit = fitPrompt(parts.encode(prompt), parts.nPositions, opts.maxNewTokens);
  const healing = opts.tokenHealing !== false ? planTokenHealing(fit.ids, parts.table) : { contextIds: fit.ids, removed: new Uint8Array(0) };
  // With the whole prompt backed off, <|endoftext|> is the context (a document start in training).
  const context = healing.contextIds.length > 0 ? healing.contextIds : [parts.eosTokenId];
  const constraint = healing.removed.length > 0 ? new HealingConstraint(parts.table, healing.removed, parts.healingPool) : null;
  const seen = new Set<number>(context);
  const random = mulberry32(opts.seed ?? randomSeed());
  const stream = new CompletionStream(healing.removed.length, opts.stopAtSentenceEnd, (delta) => {
    if (firstDeltaAt < 0) firstDeltaAt = now();
    onDelta?.(delta);
  });

  const prefix = parts.prefix;
  const reused = prefix ? prefix.adopt(context) : 0;
  const cache = prefix ? prefix.cache : new KvCache();
  const fed = prefix ? prefix.ids : [];
  let input: number[] = reused > 0 ? context.slice(reused) : context;
  let tokens = 0;
  let intact = true;
  let stopReason: StopReason = 'max_tokens';
  try {
    while (tokens < fit.maxNewTokens) {
      if (signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      intact = false;
      let out;
      if (tokens === 0) out = await prefill(parts.decoder, input, cache, fed, parts.prefillChunk, prefix);
      else {
        out = await parts.decoder.forward(input, cache);
        fed.push(input[0]);
      }
      intact = true;
      let id: number;
      try {
        if (signal?.aborted) {
          stopReason = 'aborted';
          break;
        }
        const row = out.row(out.seqLength - 1);
        applyRepetitionPenalty(row, seen, opts.repetitionPenalty);
        if (opts.ignoreEos) row[parts.eosTokenId] = -Infinity;
        const pool = constraint?.active ? constraint.allowed() : undefined;
        id = parts.sampler.pick(row, opts, random, pool);
        constraint?.advance(id);
      } finally {
        out.dispose();
      }
      if (id === parts.eosTokenId) {
        stopReason = 'eos';
        break;
      }
      tokens++;
      seen.add(id);
      if (stream.push(parts.table.bytesOf(id))) {
        stopReason = 'sentence_end';
        break;
      }
      input = [id];
    }
  } finally {
    // Kept for the next call when it is consistent; a failed run leaves it unusable.
    if (!prefix) cache.dispose();
    else if (!intact) prefix.clear();
  }
  // After an abort the caller has stopped listening: the result is what it already saw.
  const text = stopReason === 'aborted' ? stream.emitted : stream.finish();
  const end = now();
  return {
    text,
    tokens,
    stopReason,
    timeToFirstTokenMs: firstDeltaAt < 0 ? end - start : firstDeltaAt - start,
    totalMs: end - start,
    promptTokens: context.length,
    reusedPromptTokens: reused,
  };
}

const now = () => (globalThis.performance ?? Date).now();
