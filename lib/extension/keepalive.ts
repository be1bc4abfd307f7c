/**
 * The two halves of the Port liveness rule (protocol.ts, KEEPALIVE_INTERVAL_MS):
 * a sender that posts `keepalive` on a fixed interval, and a watchdog that
 * fires once when nothing arrived for a while. Plain timers, so tests drive
 * them with fake timers.
 */

/** Calls `send` every `intervalMs` until the returned stop function is called. */
export function startKeepalive(send: () => void, intervalMs: number): () => void {
  const timer = setInterval(send, intervalMs);
  return () => clearInterval(timer);
}

export interface SilenceWatchdog {
  /** Something arrived: restart the countdown. */
  poke(): void;
  /** No more callbacks after this. Idempotent. */
  stop(): void;
}

/** Calls `onSilent` once if `poke` is not called for `timeoutMs` (counting from now). */
export function silenceWatchdog(timeoutMs: number, onSilent: () => void): SilenceWatchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (stopped) return;
      stopped = true;
      onSilent();
    }, timeoutMs);
  };
  arm();
  return {
    poke() {
      if (!stopped) arm();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
