/**
 * The offscreen document (reason WORKERS): the only place the model runs.
 * It outlives service-worker restarts, so the model stays warm; the
 * background talks to it over ENGINE_PORT (one Port per generation) and
 * one-shot OffscreenRequest messages.
 */
import { browser } from 'wxt/browser';
import { loadEngine } from '@/lib/engine';
import { parseSamplingOptions } from '@/lib/engine/sampling-options';
import { EngineHost } from '@/lib/extension/offscreen/engine-host';
import { GenerationRouter } from '@/lib/extension/offscreen/generation-router';
import { isFromExtensionPage } from '@/lib/extension/offscreen/sender';
import { pacedSink } from '@/lib/extension/offscreen/paced-sink';
import type { GenerationSink } from '@/lib/extension/offscreen/generation-router';
import { ENGINE_PORT, EnginePortClientMessage, OffscreenRequest, parseMessage, type ServerPortMessage } from '@/lib/extension/protocol';
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
  const post = (message: ServerPortMessage) => {
    try {
      port.postMessage(message);
    } catch {
      // The background went away; cancel happens in onDisconnect.
    }
  };
  let handle: { cancel(): void } | undefined;
  let clearPaced: (() => void) | undefined;
  port.onDisconnect.addListener(() => {
    handle?.cancel();
    clearPaced?.();
  });
  port.onMessage.addListener((raw: unknown) => {
    const parsed = parseMessage(EnginePortClientMessage, raw);
    if (!parsed.ok) return post({ type: 'error', code: 'bad-request', message: parsed.error });
    const message = parsed.data;
    if (message.type === 'cancel') {
      handle?.cancel();
      clearPaced?.();
      return;
    }
    if (handle) return post({ type: 'error', code: 'bad-request', message: 'One generation per port' });
    let options;
    try {
      options = parseSamplingOptions(message.options);
    } catch (error) {
      return post({ type: 'error', code: 'bad-request', message: (error as Error).message });
    }
    let sink: GenerationSink = {
        loading: () => post({ type: 'loading' }),
        delta: (text) => post({ type: 'delta', text }),
        done: (r) =>
          post({
            type: 'done',
            result: { text: r.text, tokens: r.tokens, stopReason: r.stopReason, timeToFirstTokenMs: r.timeToFirstTokenMs, totalMs: r.totalMs },
          }),
        error: (code, text) => post({ type: 'error', code, message: text }),
    };
    // Test build only (see paced-sink.ts); production ignores the field.
    if (import.meta.env.MODE === 'test' && message.testPaceMs) {
      const paced = pacedSink(sink, message.testPaceMs);
      clearPaced = paced.clear;
      sink = paced;
    }
    handle = router.start(
      { fieldKey: message.fieldKey, prompt: message.prompt, options, idleUnloadMinutes: message.idleUnloadMinutes },
      sink,
    );
  });
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
