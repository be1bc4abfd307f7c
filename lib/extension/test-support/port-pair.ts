/**
 * Two connected in-memory Port ends, like chrome.runtime.connect gives the
 * two contexts (the browser's API, not ours), for unit tests of code that
 * talks over Ports. Messages are structured-cloned and delivered in a
 * microtask; disconnecting one end fires the other end's onDisconnect.
 */
import type { PortLike, SenderLike } from '../ports';

/** Two connected ends, like chrome.runtime.connect gives the two contexts. */
export function portPair(name: string, sender?: SenderLike): [PortLike & { received: unknown[]; closed: boolean }, PortLike & { received: unknown[]; closed: boolean }] {
  type End = PortLike & { received: unknown[]; closed: boolean; msg: Array<(m: unknown) => void>; disc: Array<() => void> };
  const make = (): End => ({
    name,
    received: [],
    closed: false,
    msg: [],
    disc: [],
    postMessage(m) {
      if (this.closed) throw new Error('Attempting to use a disconnected port object');
      const other = this === a ? b : a;
      other.received.push(m);
      queueMicrotask(() => other.msg.forEach((fn) => fn(structuredClone(m))));
    },
    disconnect() {
      if (this.closed) return;
      this.closed = true;
      const other = this === a ? b : a;
      if (!other.closed) {
        other.closed = true;
        queueMicrotask(() => other.disc.forEach((fn) => fn()));
      }
    },
    onMessage: { addListener(fn) { (this as unknown as { end: End }).end.msg.push(fn); } },
    onDisconnect: { addListener(fn) { (this as unknown as { end: End }).end.disc.push(fn); } },
  });
  const a = make();
  const b = make();
  for (const end of [a, b]) {
    (end.onMessage as unknown as { end: End }).end = end;
    (end.onDisconnect as unknown as { end: End }).end = end;
  }
  b.sender = sender;
  return [a, b];
}

