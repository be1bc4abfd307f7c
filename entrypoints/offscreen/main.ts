/**
 * The offscreen document (reason WORKERS): the only place the model runs.
 * It outlives service-worker restarts, so the model stays warm; the
 * background talks to it over ENGINE_PORT (one Port per generation) and
 * one-shot OffscreenRequest messages.
 */
import { browser } from 'wxt/browser';
import { loadEngine } from '@/lib/engine';
import { EngineHost } from '@/lib/extension/offscreen/engine-host';
import { GenerationRouter } from '@/lib/extension/offscreen/generation-router';
import { isFromExtensionPage } from '@/lib/extension/offscreen/sender';
import { serveEnginePort } from '@/lib/extension/offscreen/engine-port';
import { pacedSink } from '@/lib/extension/offscreen/paced-sink';
import type { PortLike } from '@/lib/extension/background/port';
import { ENGINE_PORT, OffscreenRequest, parseMessage } from '@/lib/extension/protocol';
import { MODEL_DIR } from '@/lib/extension/model';

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

const host = new EngineHost({
  load: () =>
    loadEngine(chrome.runtime.getURL(`/${MODEL_DIR}/`), {
      wasmPaths: chrome.runtime.getURL("/ort/"),
    }),
  describe: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true }),
});
const router = new GenerationRouter(host);

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== ENGINE_PORT) return;
  if (!isFromExtensionPage(port.sender, browser.runtime.id, extensionOrigin)) {
    port.disconnect();
    return;
  }
  // Test build only (see paced-sink.ts); production ignores testPaceMs and does not bundle the pacer.
  serveEnginePort(port as unknown as PortLike, { router, pace: import.meta.env.MODE === 'test' ? pacedSink : undefined });
});

browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse) => {
  // Messages for other contexts (content scripts → background) also arrive here; ignore them.
  if (typeof raw !== 'object' || raw === null || (raw as { target?: unknown }).target !== 'offscreen') return;
  if (!isFromExtensionPage(sender, browser.runtime.id, extensionOrigin)) return;
  const parsed = parseMessage(OffscreenRequest, raw);
  if (!parsed.ok) {
    sendResponse({ state: 'error', error: parsed.error });
    return;
  }
  if (parsed.data.type === 'engine:status') {
    sendResponse(host.status());
    return;
  }
  void host.warm(parsed.data.idleUnloadMinutes).then(sendResponse);
  return true;
});
