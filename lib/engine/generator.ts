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
  /** The previous generation's KV cache, reused when the next context extends it (see PrefixCache). */
  prefix?: PrefixCache;
}

/**
 * The KV cache left by the previous generation and the tokens it holds (its
 * context plus every generated token that was fed back). When the next
 * context starts with exactly these tokens (the user kept typing after, or
 * accepted, the last completion), only the new tokens are prefilled.
 */
export class PrefixCache {
  cache = new KvCache();
  ids: number[] = [];

  /** How many leading tokens of `context` are already in the cache (0 = start over). Keeps at least one token to feed. */
  reusable(context: readonly number[]): number {
    const n = this.ids.length;
    if (n === 0 || n >= context.length) return 0;
    for (let i = 0; i < n; i++) if (this.ids[i] !== context[i]) return 0;
    return n;
  }

  clear(): void {
    this.cache.dispose();
    this.ids = [];
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
  const reused = prefix ? prefix.reusable(context) : 0;
  if (prefix && reused === 0) prefix.clear();
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
      const out = await parts.decoder.forward(input, cache);
      for (const t of input) fed.push(t);
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
