/**
 * The offscreen document (reason WORKERS): the only place the model runs.
 * It outlives service-worker restarts, so the model stays warm. It opens the
 * ENGINE_PORT link to the background itself and listens for no connections
 * (protocol.ts ENGINE_PORT says why); the background opens one job per
 * generation on the link and sends one-shot OffscreenRequest messages.
 */
import { browser } from 'wxt/browser';
import { loadEngine } from '@/lib/engine';
import { EngineHost } from '@/lib/extension/offscreen/engine-host';
import { GenerationRouter } from '@/lib/extension/offscreen/generation-router';
import { isFromExtensionPage } from '@/lib/extension/offscreen/sender';
import { serveEnginePort } from '@/lib/extension/offscreen/engine-port';
import { backgroundLink } from '@/lib/extension/offscreen/background-link';
import { pacedSink } from '@/lib/extension/offscreen/paced-sink';
import { faultyEngine } from '@/lib/extension/offscreen/test-faults';
import type { PortLike } from '@/lib/extension/ports';
import { ENGINE_PORT, OffscreenRequest, parseMessage } from '@/lib/extension/protocol';
import { MODEL_DIR } from '@/lib/extension/model';

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;
const testBuild = import.meta.env.MODE === 'test';

const host = new EngineHost({
  load: () =>
    loadEngine(chrome.runtime.getURL(`/${MODEL_DIR}/`), {
      wasmPaths: chrome.runtime.getURL('/ort/'),
    }),
  describe: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true }),
});
const router = new GenerationRouter(host, {
  onUnhealthy: (reason) => link.requestRestart(reason),
  // Test build only (test-faults.ts); production ignores testFault and does not bundle it.
  faultyEngine: testBuild ? faultyEngine : undefined,
});
const link = backgroundLink(
  () => browser.runtime.connect({ name: ENGINE_PORT }) as unknown as PortLike,
  // Test build only (see paced-sink.ts); production ignores testPaceMs and does not bundle the pacer.
  (job) => serveEnginePort(job, { router, pace: testBuild ? pacedSink : undefined }),
);
link.ensure();

browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse) => {
  // Messages for other contexts (content scripts → background) also arrive here; ignore them.
  if (typeof raw !== 'object' || raw === null || (raw as { target?: unknown }).target !== 'offscreen') return;
  if (!isFromExtensionPage(sender, browser.runtime.id, extensionOrigin)) return;
  const parsed = parseMessage(OffscreenRequest, raw);
  if (!parsed.ok) {
    sendResponse({ state: 'error', error: parsed.error });
    return;
  }
  switch (parsed.data.type) {
    case 'engine:status':
      sendResponse(host.status());
      return;
    case 'engine:connect':
      link.ensure();
      sendResponse({ ok: true });
      return;
    case 'engine:warm':
      void host.warm(parsed.data.idleUnloadMinutes).then(sendResponse);
      return true;
  }
});

if (testBuild) {
  // e2e tests read the router's queue through this document's DevTools target.
  Object.assign(globalThis, { __aaOffscreen: { activeFields: () => router.activeFields, linked: () => link.connected } });
}
