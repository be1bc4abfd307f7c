/**
 * Overleaf, ISOLATED world: the Generate button, the keyboard command, and
 * the link to the background (generation client). Talks to the MAIN-world
 * script only through the validated bridge (lib/extension/overleaf/bridge.ts).
 */
import { IsolatedController } from '@/lib/extension/overleaf/isolated-controller';
import { OVERLEAF_MATCHES } from '@/lib/extension/overleaf/matches';
import { ContentRequest, parseMessage, type ContentResponse } from '@/lib/extension/protocol';

export default defineContentScript({
  matches: OVERLEAF_MATCHES,
  runAt: 'document_idle',
  main() {
    const controller = new IsolatedController(window);
    controller.start();
    chrome.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (r: ContentResponse) => void) => {
      // Only our background can message a content script; still, parse before acting.
      if (sender.id !== chrome.runtime.id) return;
      const parsed = parseMessage(ContentRequest, raw);
      if (!parsed.ok || parsed.data.type !== 'trigger-generate') return; // 'ping' is for the generic script
      const editor = controller.focusedEditor();
      if (!editor) return; // Focus is not in an Overleaf editor: leave it to the generic script.
      controller.generate(editor);
      sendResponse({ ok: true });
    });
  },
});
