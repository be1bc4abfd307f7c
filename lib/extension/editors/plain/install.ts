/**
 * Wiring of the plain-field script: the controller, the background's `ping`
 * (is our script in this frame?) and the context menu / keyboard command,
 * answered only by the frame that has the field.
 */
import { ContentRequest, parseMessage, type ContentResponse } from '../../protocol';
import { GenericController } from './controller';

export function installPlainFields(doc: Document): GenericController {
  const controller = new GenericController(doc);
  chrome.runtime.onMessage.addListener((raw: unknown, sender, sendResponse: (r: ContentResponse) => void) => {
    if (sender.id !== chrome.runtime.id) return;
    const parsed = parseMessage(ContentRequest, raw);
    if (!parsed.ok) return;
    if (parsed.data.type === 'ping') {
      sendResponse({ ok: true });
      return;
    }
    if (controller.trigger(parsed.data.source)) sendResponse({ ok: true });
  });
  return controller;
}
