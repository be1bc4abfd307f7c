/**
 * Test builds only: releases a generation's events at a fixed pace, so e2e
 * tests can press Esc / Stop / kill the worker while a generation is still
 * streaming, whatever the speed of the model on the machine (the random
 * fixture model finishes hundreds of tokens in about a second). Order is
 * kept; `clear()` drops whatever is still queued.
 */
import type { GenerationSink } from './generation-router';

export function pacedSink(sink: GenerationSink, intervalMs: number): GenerationSink & { clear(): void } {
  const queue: Array<() => void> = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  const pump = () => {
    const next = queue.shift();
    next?.();
    if (queue.length === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const push = (fn: () => void) => {
    queue.push(fn);
    timer ??= setInterval(pump, intervalMs);
  };
  return {
    loading: () => sink.loading(),
    delta: (text) => push(() => sink.delta(text)),
    done: (result, adjustments) => push(() => sink.done(result, adjustments)),
    error: (code, message) => push(() => sink.error(code, message)),
    clear() {
      queue.length = 0;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
