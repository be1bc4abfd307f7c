/**
 * Two connected in-memory Port ends (platform/memory-port.ts, the same pair
 * Firefox's in-process engine uses) for unit tests of code that talks over
 * Ports, plus what each end was sent, for assertions.
 */
import { memoryPortPair, type MemoryPort } from '../platform/memory-port';
import type { SenderLike } from '../ports';

type RecordingPort = MemoryPort & { received: unknown[] };

/** Two connected ends, like chrome.runtime.connect gives the two contexts. */
export function portPair(name: string, sender?: SenderLike): [RecordingPort, RecordingPort] {
  const received: [unknown[], unknown[]] = [[], []];
  const { ends } = memoryPortPair(name, sender, (to, message) => received[to].push(message));
  return [Object.assign(ends[0], { received: received[0] }), Object.assign(ends[1], { received: received[1] })];
}
