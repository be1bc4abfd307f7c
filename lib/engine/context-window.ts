/**
 * What fits in the model's n_positions: the prompt cut for generation, and
 * the sliding windows used for scoring long texts.
 */

/**
 * Keeps the last prompt tokens that leave room for the completion. maxNewTokens
 * is capped at nPositions - 1 so at least one prompt token stays.
 */
export function fitPrompt(ids: readonly number[], nPositions: number, maxNewTokens: number): { ids: number[]; maxNewTokens: number } {
  const max = Math.max(1, Math.min(maxNewTokens, nPositions - 1));
  const budget = nPositions - max;
  return { ids: ids.length > budget ? ids.slice(ids.length - budget) : [...ids], maxNewTokens: max };
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
