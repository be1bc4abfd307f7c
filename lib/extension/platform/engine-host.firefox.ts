/**
 * Firefox: no offscreen documents, but the background is an event page (a
 * document, not a service worker), so the engine runs right here. The relay
 * and the engine talk over an in-memory Port pair instead of a runtime Port:
 * the same EngineLink, port-mux jobs and ENGINE_PORT messages as in Chrome.
 * Firefox extension pages are not cross-origin isolated, so ORT runs one
 * WASM thread (onnx-runtime.ts picks that from crossOriginIsolated).
 * The model lives as long as this page; Firefox suspends an idle event page,
 * and the next request starts it (and loads the model) again.
 */
import { EngineLink } from '../background/engine-link';
import { ENGINE_PORT } from '../protocol';
import type { CreateEnginePlatform } from './engine-platform';
import { startEngineServices, type EngineServices } from './engine-services';
import { memoryPortPair, type MemoryPortPair } from './memory-port';

export const createEnginePlatform: CreateEnginePlatform = () => {
  let engine: { services: EngineServices; pairs: MemoryPortPair[] } | undefined;
  const start = () => {
    if (engine) return engine;
    const pairs: MemoryPortPair[] = [];
    const services = startEngineServices(() => {
      const pair = memoryPortPair(ENGINE_PORT);
      pairs.push(pair);
      link.accept(pair.ends[0]);
      return pair.ends[1];
    });
    engine = { services, pairs };
    if (import.meta.env.MODE === 'test') Object.assign(globalThis, { __aaOffscreen: { activeFields: () => services.activeFields(), linked: () => services.link.connected } });
    return engine;
  };
  const link = new EngineLink({
    ensureDocument: async () => void start(),
    requestLink: async () => {
      start().services.link.ensure();
      return true;
    },
    // The engine asked to be replaced (repeated failures): cut its links, as
    // closing Chrome's document would, and start afresh on the next request.
    closeDocument: async () => {
      const old = engine;
      engine = undefined;
      if (!old) return;
      for (const pair of old.pairs) pair.sever();
      void old.services.unload().catch(() => undefined);
    },
  });
  return {
    connect: () => link.open(),
    warm: (idleUnloadMinutes) => start().services.warm(idleUnloadMinutes),
    status: async () => engine?.services.status() ?? { state: 'unloaded' },
    // No runtime Port carries the engine here; whoever opens one is not us.
    acceptEnginePort: (port) => port.disconnect(),
  };
};
