/**
 * Drafts for speculative decoding: tokens the model will probably pick next,
 * verified in one run by the decoding loop (generator.ts). Prompt lookup
 * first, then the model's n-gram draft table.
 */
import type { SpeculationStats } from './types';
import type { DraftTable } from './draft-table';

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
