/**
 * The latency budget of an inline suggestion: when the first word is not
 * decided within `budgetMs`, the request is aborted and nothing is shown (a
 * suggestion that arrives after the writer moved on is a stale one). Shared by
 * the bundled and the server backends.
 */
export interface Budget {
  /** Aborts when the caller's signal does, or when the budget runs out first. */
  signal: AbortSignal;
  /** The first word is on screen: the budget no longer applies. */
  met(): void;
  dispose(): void;
}

export function startBudget(budgetMs: number | undefined, callerSignal?: AbortSignal): Budget {
  const controller = new AbortController();
  const onAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else callerSignal?.addEventListener('abort', onAbort, { once: true });
  const timer = budgetMs === undefined ? undefined : setTimeout(() => controller.abort(new Error('latency budget')), budgetMs);
  return {
    signal: controller.signal,
    met: () => clearTimeout(timer),
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onAbort);
    },
  };
}
