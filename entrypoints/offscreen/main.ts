/**
 * The offscreen document (reason WORKERS): Chrome's home for the engine
 * (lib/extension/platform/engine-host.ts). It outlives service-worker
 * restarts, so the model stays warm. It opens the ENGINE_PORT link to the
 * background itself and listens for no connections (protocol.ts ENGINE_PORT
 * says why); the background opens one job per generation on the link and
 * sends one-shot OffscreenRequest messages.
 */
import { browser } from 'wxt/browser';
import { isFromExtensionPage } from '@/lib/extension/offscreen/sender';
import { startEngineServices } from '@/lib/extension/platform/engine-services';
import type { PortLike } from '@/lib/extension/ports';
import { ENGINE_PORT, OffscreenRequest, parseMessage } from '@/lib/extension/protocol';

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

const engine = startEngineServices(() => browser.runtime.connect({ name: ENGINE_PORT }) as unknown as PortLike);
engine.link.ensure();

browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse) => {
  // Messages for other contexts (content scripts → background) also arrive here; ignore them.
  if (typeof raw !== 'object' || raw === null || (raw as { target?: unknown }).target !== 'offscreen') return;
  if (!isFromExtensionPage(sender, browser.runtime.id, extensionOrigin)) return;
  const parsed = parseMessage(OffscreenRequest, raw);
  if (!parsed.ok) {
    sendResponse({ state: 'error', error: parsed.error });
    return;
  }
  const reply = engine.handle(parsed.data);
  if (!(reply instanceof Promise)) {
    sendResponse(reply);
    return;
  }
  void reply.then(sendResponse);
  return true;
});

if (import.meta.env.MODE === 'test') {
  // e2e tests read the router's queue through this document's DevTools target.
  Object.assign(globalThis, { __aaOffscreen: { activeFields: () => engine.activeFields(), linked: () => engine.link.connected } });
}
