/**
 * The generation loop: one prefill run over the prompt, then one run per
 * token with the KV cache. Per token it processes only the last row of
 * logits (a view), and allocates nothing sized by the vocabulary.
 */
import type { GenerateCallbacks, GenerationResult, SamplingOptions, SpeculationStats, StopReason } from './types';
import { Decoder, KvCache } from './decoder';
import { TokenSampler, applyRepetitionPenalty } from './sampler';
import type { TokenBytes } from './token-bytes';
import { planTokenHealing, HealingConstraint } from './token-healing';
import { CompletionStream } from './completion-stream';
import { fitPrompt } from './context-window';
import { mulberry32, randomSeed } from './prng';
import type { DraftTable } from './draft-table';

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
  /** Earlier generations' KV caches, one per cache key, reused when the next context extends them (see PrefixCaches). */
  prefixes?: PrefixCaches;
  /** The model's n-gram draft table, consulted when prompt lookup finds nothing. */
  draftTable?: DraftTable;
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
      this.clear();
      return 0;
    }
    this.cache.truncate(n);
    this.ids.length = n;
    this.alignedEnd = Math.min(this.alignedEnd, n - (n % this.chunk));
    return n;
  }

  clear(): void {
    this.cache.dispose();
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

/**
 * Runs `ids` after the cache in chunks aligned to absolute positions; returns
 * the last chunk's output. `alignedEnd` advances only while every position
 * before the chunk was itself computed in aligned chunks.
 */
export async function prefill(decoder: Decoder, ids: readonly number[], cache: KvCache, fed: number[], chunkSize: number, prefix?: PrefixCache) {
  let start = 0;
  for (;;) {
    const end = Math.min(ids.length, start + chunkSize - (cache.length % chunkSize));
    const chunk = ids.slice(start, end);
    const canonical = prefix !== undefined && prefix.alignedEnd === cache.length;
    const out = await decoder.forward(chunk, cache);
    for (const t of chunk) fed.push(t);
    if (canonical && cache.length % chunkSize === 0) prefix.alignedEnd = cache.length;
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
  const speculation: SpeculationStats = { runs: 0, drafted: 0, accepted: 0, tableRuns: 0 };
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

  const prefix = parts.prefixes?.for(callbacks.cacheKey ?? '');
  const reused = prefix ? prefix.adopt(context) : 0;
  const cache = prefix ? prefix.cache : new KvCache();
  const fed = prefix ? prefix.ids : [];
  let input: number[] = reused > 0 ? context.slice(reused) : context;
  // Drafts (prompt lookup, then the draft table) are verified by picking each row as the sequential step would.
  const speculate = opts.speculative !== false;
  const history = speculate ? context.slice() : [];
  let tokens = 0;
  let intact = true;
  let stopReason: StopReason = 'max_tokens';
  /** Sequential step on one row: penalty, EOS mask, healing pool, pick; then the stop checks. Returns the id, or -1 to stop. */
  const take = (row: Float32Array): number => {
    applyRepetitionPenalty(row, seen, opts.repetitionPenalty);
    if (opts.ignoreEos) row[parts.eosTokenId] = -Infinity;
    const pool = constraint?.active ? constraint.allowed() : undefined;
    const id = parts.sampler.pick(row, opts, random, pool);
    constraint?.advance(id);
    if (id === parts.eosTokenId) {
      stopReason = 'eos';
      return -1;
    }
    tokens++;
    seen.add(id);
    if (speculate) history.push(id);
    if (stream.push(parts.table.bytesOf(id))) {
      stopReason = 'sentence_end';
      return -1;
    }
    return id;
  };
  try {
    while (tokens < fit.maxNewTokens) {
      if (signal?.aborted) {
        stopReason = 'aborted';
        break;
      }
      // Up to remaining-1 drafts: a fully accepted draft yields one more token from its last row.
      const draft = speculate && tokens > 0 ? nextDraft(history, fit.maxNewTokens - tokens - 1, parts.draftTable, opts.temperature > 0, speculation) : [];
      intact = false;
      let out;
      if (tokens === 0) out = await prefill(parts.decoder, input, cache, fed, parts.prefillChunk, prefix);
      else if (draft.length === 0) {
        out = await parts.decoder.forward(input, cache);
        fed.push(input[0]);
      } else {
        out = await parts.decoder.forward([input[0], ...draft], cache);
        speculation.drafted += draft.length;
        speculation.runs++;
      }
      intact = draft.length === 0;
      let id = -1;
      try {
        if (signal?.aborted) {
          stopReason = 'aborted';
          if (draft.length > 0) {
            cache.truncate(cache.length - draft.length);
            fed.push(input[0]);
            intact = true;
          }
          break;
        }
        if (draft.length === 0) id = take(out.row(out.seqLength - 1));
        else {
          // Row i predicts the token after draft[i-1]; keep going while the pick (argmax or sample) equals the draft.
          let used = 0;
          for (let i = 0; i <= draft.length; i++) {
            used = i;
            id = take(out.row(i));
            // An abort from onDelta ends the step here, as it would between sequential steps.
            if (id < 0 || tokens >= fit.maxNewTokens || i === draft.length || id !== draft[i] || signal?.aborted) break;
            speculation.accepted++;
          }
          // Positions past the last row used hold rejected (or unneeded) drafts.
          cache.truncate(cache.length - (draft.length - used));
          fed.push(input[0]);
          for (let i = 0; i < used; i++) fed.push(draft[i]);
          intact = true;
        }
      } finally {
        out.dispose();
      }
      if (id < 0) break;
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
    speculation,
  };
}

/**
 * Most tokens drafted per step, and the suffix lengths looked up (longest
 * first). Measured on the bundled model, greedy 64 tokens, 1 thread: drafts
 * of 6 after a 2–3-token match beat 3–5 and 8; 1-token matches drafted
 * often and were mostly rejected (net loss).
 */
export const SPECULATIVE_DRAFT = 6;
/** Most tokens drafted from the n-gram table per step (its chain probability usually stops it sooner). */
export const TABLE_DRAFT = 8;
const LOOKUP_NGRAM = 3;
const LOOKUP_MIN = 2;


/**
 * The table's drafts are the model's greedy habits; a sampled token matches
 * them less often, so sampling drafts only the more certain ones. Measured
 * (bench/speculative.ts --sample, default settings, 1 thread): see PERFORMANCE.md.
 */
export const SAMPLED_CHAIN_MIN = 0.5;

/** Prompt lookup first (repeats in this text beat the model's habits), else the draft table; at most `room` tokens. */
export function nextDraft(history: readonly number[], room: number, table?: DraftTable, sampling = false, stats?: SpeculationStats): number[] {
  const fromHistory = draftFromHistory(history, Math.min(SPECULATIVE_DRAFT, room));
  if (fromHistory.length > 0 || !table || room <= 0) return fromHistory;
  const fromTable = table.draft(history, Math.min(TABLE_DRAFT, room), sampling ? Math.max(table.chainMin, SAMPLED_CHAIN_MIN) : table.chainMin);
  if (fromTable.length > 0 && stats) stats.tableRuns++;
  return fromTable;
}

/**
 * Prompt lookup: finds the most recent earlier occurrence of the last n ids
 * (n = LOOKUP_NGRAM … LOOKUP_MIN) and returns up to `max` ids that followed it.
 */
export function draftFromHistory(ids: readonly number[], max: number): number[] {
  const len = ids.length;
  if (max <= 0) return [];
  for (let n = Math.min(LOOKUP_NGRAM, len - 1); n >= LOOKUP_MIN; n--) {
    // Match ending at e (exclusive) with e < len, so at least one id follows it.
    for (let e = len - 1; e >= n; e--) {
      let k = 0;
      while (k < n && ids[e - 1 - k] === ids[len - 1 - k]) k++;
      if (k === n) return ids.slice(e, Math.min(len, e + max));
    }
  }
  return [];
}

const now = () => (globalThis.performance ?? Date).now();
