/**
 * The engine side of the extension, wherever it is hosted: the EngineHost
 * (one model, loaded on demand, unloaded when idle), the GenerationRouter
 * (one generation per field, one at a time) and its end of the ENGINE_PORT
 * link. Chrome runs it in the offscreen document, Firefox in the background
 * page (engine-host.*.ts); the code and the protocol are the same.
 * (WXT types browser.runtime.getURL for built entry points only, hence
 * chrome.runtime.getURL for the model and ORT folders; Firefox has chrome.* too.)
 */
import { loadEngine } from '../../engine';
import { EngineHost } from '../offscreen/engine-host';
import { GenerationRouter } from '../offscreen/generation-router';
import { serveEnginePort } from '../offscreen/engine-port';
import { backgroundLink, type BackgroundLink } from '../offscreen/background-link';
import { pacedSink } from '../offscreen/paced-sink';
import { faultyEngine, scriptedEngine } from '../offscreen/test-faults';
import { MODEL_DIR } from '../model';
import type { PortLike } from '../ports';
import type { EngineStatus, OffscreenRequest } from '../protocol';

export interface EngineServices {
  readonly link: BackgroundLink;
  status(): EngineStatus;
  /** Loads the model ahead of the first request (keeps it until idle for that long). */
  warm(idleUnloadMinutes: number): Promise<EngineStatus>;
  /** Answers a one-shot request from the background (Chrome's offscreen document). */
  handle(request: OffscreenRequest): EngineStatus | { ok: true } | Promise<EngineStatus>;
  /** Field keys with a generation queued or running (e2e tests read it). */
  activeFields(): string[];
  /** Unloads the model (the caller has already cut the link). */
  unload(): Promise<void>;
}

/** `connect` opens the link to the background (a runtime Port, or one end of an in-memory pair). */
export function startEngineServices(connect: () => PortLike): EngineServices {
  const testBuild = import.meta.env.MODE === 'test';
  const host = new EngineHost({
    load: () => loadEngine(chrome.runtime.getURL(`/${MODEL_DIR}/`), { wasmPaths: chrome.runtime.getURL('/ort/') }),
    describe: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true }),
  });
  const router = new GenerationRouter(host, {
    onUnhealthy: (reason) => link.requestRestart(reason),
    // Test build only (test-faults.ts); production ignores testFault and does not bundle it.
    faultyEngine: testBuild ? faultyEngine : undefined,
    scriptedEngine: testBuild ? scriptedEngine : undefined,
  });
  const link = backgroundLink(
    connect,
    // Test build only (see paced-sink.ts); production ignores testPaceMs and does not bundle the pacer.
    (job) => serveEnginePort(job, { router, pace: testBuild ? pacedSink : undefined }),
  );
  return {
    link,
    handle(request) {
      switch (request.type) {
        case 'engine:status':
          return host.status();
        case 'engine:connect':
          link.ensure();
          return { ok: true };
        case 'engine:warm':
          return host.warm(request.idleUnloadMinutes);
      }
    },
    status: () => host.status(),
    warm: (idleUnloadMinutes) => host.warm(idleUnloadMinutes),
    activeFields: () => router.activeFields,
    unload: () => host.unload(),
  };
}
