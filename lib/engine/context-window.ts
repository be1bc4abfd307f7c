/**
 * What fits in the model's n_positions: the prompt cut for generation, and
 * the sliding windows used for scoring long texts.
 */

/**
 * Tokens dropped from the front of an over-long prompt come in multiples of
 * this: the kept start then stays put while the writer types on, so the prefix
 * cache still holds the whole context but the newest tokens. Dropping exactly
 * the excess would move the start with every token and make every typing
 * suggestion in a long document a full prefill.
 */
export const PROMPT_DROP_STRIDE = 64;

/**
 * Keeps the prompt's last tokens that leave room for the completion, dropping
 * from the front in strides (PROMPT_DROP_STRIDE, at most half the room, so at
 * least half of it stays filled). maxNewTokens is capped at nPositions - 1 so
 * at least one prompt token stays.
 */
export function fitPrompt(ids: readonly number[], nPositions: number, maxNewTokens: number): { ids: number[]; maxNewTokens: number } {
  const max = Math.max(1, Math.min(maxNewTokens, nPositions - 1));
  const budget = nPositions - max;
  if (ids.length <= budget) return { ids: [...ids], maxNewTokens: max };
  const stride = Math.max(1, Math.min(PROMPT_DROP_STRIDE, Math.floor(budget / 2)));
  const drop = Math.ceil((ids.length - budget) / stride) * stride;
  return { ids: ids.slice(drop), maxNewTokens: max };
}

export interface ScoringWindow {
  /** Sequence positions [begin, end) fed to the model. */
  begin: number;
  end: number;
  /** Positions whose token is scored in this window: [firstTarget, end). */
  firstTarget: number;
}

/**
 * Windows over a sequence of `length` tokens whose first token is context only.
 * Every later token is scored exactly once; after the first window each keeps
 * at least windowSize - stride tokens of context.
 */
export function scoringWindows(length: number, windowSize: number, stride: number): ScoringWindow[] {
  const windows: ScoringWindow[] = [];
  if (length < 2) return windows;
  let end = Math.min(windowSize, length);
  windows.push({ begin: 0, end, firstTarget: 1 });
  while (end < length) {
    const next = Math.min(end + stride, length);
    windows.push({ begin: Math.max(0, next - windowSize), end: next, firstTarget: end });
    end = next;
  }
  return windows;
}
