/**
 * Two connected in-memory Port ends with chrome.runtime.Port's semantics:
 * messages are structured-cloned and delivered in order in a microtask,
 * `disconnect()` fires the other end's onDisconnect (never one's own), and
 * posting on a closed end throws. Where the engine shares the background's
 * context (Firefox), the relay and the engine talk over such a pair, so both
 * keep the exact code they run over real Ports in Chrome. The unit tests use
 * it too (test-support/port-pair.ts) in place of the browser's Ports.
 */
import type { PortLike, SenderLike } from '../ports';

export interface MemoryPort extends PortLike {
  readonly closed: boolean;
}

export interface MemoryPortPair {
  ends: [MemoryPort, MemoryPort];
  /**
   * Both ends close and both hear onDisconnect, as when the context at one
   * end dies: the surviving side notices, and the abandoned side's jobs
   * (still in memory here, unlike a closed document) cancel themselves.
   */
  sever(): void;
}

export function memoryPortPair(name: string, sender?: SenderLike, tap?: (to: 0 | 1, message: unknown) => void): MemoryPortPair {
  const listeners = [0, 1].map(() => ({ message: [] as Array<(m: unknown) => void>, disconnect: [] as Array<() => void> }));
  const closed = [false, false];
  const close = (i: 0 | 1) => {
    if (closed[i]) return;
    closed[i] = true;
    queueMicrotask(() => listeners[i].disconnect.forEach((fn) => fn()));
  };
  const end = (i: 0 | 1): MemoryPort => {
    const other = (1 - i) as 0 | 1;
    return {
      name,
      sender: i === 1 ? sender : undefined,
      get closed() {
        return closed[i];
      },
      postMessage(message) {
        if (closed[i]) throw new Error('Attempting to use a disconnected port object');
        // Cloned now, like the browser does, so later changes by the sender are not seen.
        const copy = structuredClone(message);
        tap?.(other, message);
        queueMicrotask(() => {
          if (!closed[other]) listeners[other].message.forEach((fn) => fn(copy));
        });
      },
      disconnect() {
        if (closed[i]) return;
        closed[i] = true;
        close(other);
      },
      onMessage: { addListener: (fn) => void listeners[i].message.push(fn) },
      onDisconnect: { addListener: (fn) => void listeners[i].disconnect.push(fn) },
    };
  };
  return {
    ends: [end(0), end(1)],
    sever() {
      close(0);
      close(1);
    },
  };
}
