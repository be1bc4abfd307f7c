/**
 * Chrome: the engine runs in an offscreen document (reason WORKERS), which
 * outlives service-worker restarts (so the model stays warm) and, being
 * cross-origin isolated, can run WASM threads. The document opens the
 * ENGINE_PORT link to the background itself (protocol.ts says why).
 */
import { browser } from 'wxt/browser';
import { askOffscreen, closeOffscreenDocument, ensureOffscreenDocument, OFFSCREEN_PATH, requestEngineLink } from '../background/offscreen-document';
import { EngineLink } from '../background/engine-link';
import type { EngineStatus } from '../protocol';
import type { CreateEnginePlatform } from './engine-platform';

export const createEnginePlatform: CreateEnginePlatform = () => {
  const runtimeId = browser.runtime.id;
  const offscreenUrl = browser.runtime.getURL(`/${OFFSCREEN_PATH}`);
  const link = new EngineLink({
    ensureDocument: ensureOffscreenDocument,
    requestLink: requestEngineLink,
    closeDocument: closeOffscreenDocument,
  });
  return {
    connect: () => link.open(),
    warm: async (idleUnloadMinutes) =>
      (await askOffscreen<EngineStatus>({ type: 'engine:warm', target: 'offscreen', idleUnloadMinutes }, true)) ?? { state: 'error', error: 'engine page did not answer' },
    status: async () => (await askOffscreen<EngineStatus>({ type: 'engine:status', target: 'offscreen' }, false)) ?? { state: 'unloaded' },
    acceptEnginePort(port) {
      // Only our offscreen document may carry the engine.
      if (port.sender?.id === runtimeId && !port.sender.tab && port.sender.url === offscreenUrl) link.accept(port);
      else port.disconnect();
    },
  };
};
