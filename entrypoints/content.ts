/**
 * Generic content script: the Generate button for textareas and
 * contenteditable fields. Not in the production manifest: it is registered at
 * run time for sites the user opts into (lib/extension/site-access.ts) or
 * injected into one frame via activeTab by the context menu / shortcut. The
 * test build also declares it for 127.0.0.1 / localhost (wxt.config.ts).
 */
import { GenericController } from '@/lib/extension/content/controller';
import { ContentRequest, parseMessage, type ContentResponse } from '@/lib/extension/protocol';

const LOADED = Symbol.for('abstract-autocomplete.generic');

export default defineContentScript({
  registration: 'runtime',
  matches: [],
  allFrames: true,
  main() {
    // executeScript may inject us again into a frame that already has us.
    const scope = globalThis as unknown as Record<symbol, boolean>;
    if (scope[LOADED]) return;
    scope[LOADED] = true;

    const controller = new GenericController(document);
    chrome.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (r: ContentResponse) => void) => {
      if (sender.id !== chrome.runtime.id) return;
      const parsed = parseMessage(ContentRequest, raw);
      if (!parsed.ok) return;
      if (parsed.data.type === 'ping') {
        sendResponse({ ok: true });
        return;
      }
      // Only the frame that has the field answers; other frames stay silent.
      if (controller.trigger(parsed.data.source)) sendResponse({ ok: true });
    });
  },
});
