/**
 * Wiring of the ISOLATED-world script of a CodeMirror-based kind: the
 * controller, and the keyboard command / context menu relayed by the
 * background, answered only when focus is in one of our editors (otherwise
 * the plain-field script in the same frame may answer).
 */
import { ContentRequest, parseMessage, type ContentResponse } from '../../protocol';
import { IsolatedController, type CodeMirrorKindConfig } from './isolated-controller';

export function installIsolatedWorld(win: Window, config: CodeMirrorKindConfig): IsolatedController {
  const controller = new IsolatedController(win, config);
  controller.start();
  chrome.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (r: ContentResponse) => void) => {
    // Only our background can message a content script; still, parse before acting.
    if (sender.id !== chrome.runtime.id) return;
    const parsed = parseMessage(ContentRequest, raw);
    if (!parsed.ok || parsed.data.type !== 'trigger-generate') return; // 'ping' is for the plain-field script
    const editor = controller.focusedEditor();
    if (!editor) return;
    controller.generate(editor);
    sendResponse({ ok: true });
  });
  return controller;
}
