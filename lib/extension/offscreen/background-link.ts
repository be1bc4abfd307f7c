/**
 * The offscreen document's end of the ENGINE_PORT link (protocol.ts): it
 * connects to the background when the document starts and whenever the
 * background asks (`engine:connect`), and serves every job the background
 * opens on it. It does not reconnect on its own when the link drops: that
 * would wake a worker nobody needs; the next generation's request brings the
 * worker, which asks.
 */
import { portMux, type PortMux } from '../port-mux';
import type { PortLike } from '../ports';

export interface BackgroundLink {
  /** Connects unless a link is open. */
  ensure(): void;
  /** Asks the background to replace this document (see GenerationRouter onUnhealthy). */
  requestRestart(reason: string): void;
  readonly connected: boolean;
}

export function backgroundLink(connect: () => PortLike, serve: (job: PortLike) => void): BackgroundLink {
  let mux: PortMux | undefined;
  const ensure = (): PortMux => {
    if (mux && !mux.closed) return mux;
    const current = portMux(connect(), {
      onOpen: serve,
      onClose: () => {
        if (mux === current) mux = undefined;
      },
    });
    mux = current;
    return current;
  };
  return {
    ensure: () => void ensure(),
    requestRestart(reason) {
      try {
        ensure().control({ type: 'restart-document', reason });
      } catch {
        // The worker is gone; the next one starts with whatever document exists.
      }
    },
    get connected() {
      return mux !== undefined && !mux.closed;
    },
  };
}
