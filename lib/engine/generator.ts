/**
 * The decoding loop of generate(): one prefill run over the prompt, then one
 * run per token with the KV cache, or one run per draft (drafting.ts) whose
 * rows are each picked as the sequential step would pick them. Per token it
 * processes only the last row of logits (a view), and allocates nothing sized
 * by the vocabulary. Prefix reuse: prefix-cache.ts; aligned prefill: prefill.ts.
 */
import type { GenerateCallbacks, GenerationResult, SamplingOptions, SpeculationStats, StopReason } from './types';
import { KvCache } from './decoder';
import { applyRepetitionPenalty } from './sampler';
import { CompletionStream } from './completion-stream';
import { mulberry32, randomSeed } from './prng';
import type { HealingConstraint } from './token-healing';
import type { GeneratorParts } from './generator-parts';
import { healingConstraint, promptContext, type PromptContext } from './prompt-context';
import { prefill } from './prefill';
import { nextDraft } from './drafting';

/**
 * The sequential step on one row of logits: repetition penalty, EOS mask,
 * healing pool, pick; then the stop checks. Holds one generation's state.
 */
class TokenPicker {
  tokens = 0;
  stopReason: StopReason = 'max_tokens';
  /** Context and generated ids, for prompt lookup (only when drafting). */
  readonly history: number[];
  private readonly seen: Set<number>;
  private readonly random: () => number;
  private readonly constraint: HealingConstraint | null;

  constructor(
    private readonly parts: GeneratorParts,
    private readonly opts: SamplingOptions,
    ctx: PromptContext,
    private readonly stream: CompletionStream,
    private readonly speculate: boolean,
  ) {
    this.seen = new Set(ctx.context);
    this.random = mulberry32(opts.seed ?? randomSeed());
    this.constraint = healingConstraint(parts, ctx);
    this.history = speculate ? ctx.context.slice() : [];
  }

  /** Returns the picked id, or -1 to stop (stopReason says why). */
  take(row: Float32Array): number {
    const { parts, opts, constraint } = this;
    applyRepetitionPenalty(row, this.seen, opts.repetitionPenalty);
    if (opts.ignoreEos) row[parts.eosTokenId] = -Infinity;
    const pool = constraint?.active ? constraint.allowed() : undefined;
    const id = parts.sampler.pick(row, opts, this.random, pool);
    constraint?.advance(id);
    if (id === parts.eosTokenId) {
      this.stopReason = 'eos';
      return -1;
    }
    this.tokens++;
    this.seen.add(id);
    if (this.speculate) this.history.push(id);
    if (this.stream.push(parts.table.bytesOf(id))) {
      this.stopReason = 'sentence_end';
      return -1;
    }
    return id;
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
  const ctx = promptContext(parts, prompt, opts.maxNewTokens, opts.tokenHealing !== false);
  const { context, maxNewTokens } = ctx;
  const stream = new CompletionStream(ctx.removed.length, opts.stopAtSentenceEnd, (delta) => {
    if (firstDeltaAt < 0) firstDeltaAt = now();
    onDelta?.(delta);
  });
  // Drafts (prompt lookup, then the draft table) are verified by picking each row as the sequential step would.
  const speculate = opts.speculative !== false;
  const picker = new TokenPicker(parts, opts, ctx, stream, speculate);

  const prefix = parts.prefixes?.for(callbacks.cacheKey ?? '');
  const reused = prefix ? prefix.adopt(context) : 0;
  const cache = prefix ? prefix.cache : new KvCache();
  const fed = prefix ? prefix.ids : [];
  let input: number[] = reused > 0 ? context.slice(reused) : context;
  let intact = true;
  try {
    while (picker.tokens < maxNewTokens) {
      if (signal?.aborted) {
        picker.stopReason = 'aborted';
        break;
      }
      // Up to remaining-1 drafts: a fully accepted draft yields one more token from its last row.
      const draft = speculate && picker.tokens > 0 ? nextDraft(picker.history, maxNewTokens - picker.tokens - 1, parts.draftTable, opts.temperature > 0, speculation) : [];
      intact = false;
      let out;
      if (picker.tokens === 0) out = await prefill(parts.decoder, input, cache, fed, parts.prefillChunk, prefix);
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
          picker.stopReason = 'aborted';
          if (draft.length > 0) {
            cache.truncate(cache.length - draft.length);
            fed.push(input[0]);
            intact = true;
          }
          break;
        }
        if (draft.length === 0) id = picker.take(out.row(out.seqLength - 1));
        else {
          const used = verifyDraft(picker, out, draft, maxNewTokens, signal, speculation);
          id = used.id;
          // Positions past the last row used hold rejected (or unneeded) drafts.
          cache.truncate(cache.length - (draft.length - used.rows));
          fed.push(input[0]);
          for (let i = 0; i < used.rows; i++) fed.push(draft[i]);
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
  const text = picker.stopReason === 'aborted' ? stream.emitted : stream.finish();
  const end = now();
  return {
    text,
    tokens: picker.tokens,
    stopReason: picker.stopReason,
    timeToFirstTokenMs: firstDeltaAt < 0 ? end - start : firstDeltaAt - start,
    totalMs: end - start,
    promptTokens: context.length,
    reusedPromptTokens: reused,
    speculation,
  };
}

/**
 * Picks rows of a drafted run while each pick (argmax or sample) equals the
 * draft: row i predicts the token after draft[i-1]. Returns the last pick
 * (-1 = stop) and how many drafted tokens it kept.
 */
function verifyDraft(
  picker: TokenPicker,
  out: { row(i: number): Float32Array },
  draft: readonly number[],
  maxNewTokens: number,
  signal: AbortSignal | undefined,
  speculation: SpeculationStats,
): { id: number; rows: number } {
  let id = -1;
  let rows = 0;
  for (let i = 0; i <= draft.length; i++) {
    rows = i;
    id = picker.take(out.row(i));
    // An abort from onDelta ends the step here, as it would between sequential steps.
    if (id < 0 || picker.tokens >= maxNewTokens || i === draft.length || id !== draft[i] || signal?.aborted) break;
    speculation.accepted++;
  }
  return { id, rows };
}

const now = () => (globalThis.performance ?? Date).now();
