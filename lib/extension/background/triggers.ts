/**
 * The two ways to generate without the on-page button: the "Generate
 * continuation" context-menu item on editable fields, and the keyboard
 * command. Both only tell the content script in the right frame to generate
 * at its caret; if our script is not in that frame (a site the user has not
 * opted into), it is injected first, which the activeTab grant from the
 * click / shortcut allows.
 */
import { ContentResponse, type ContentRequest } from '../protocol';
import { GENERIC_SCRIPT } from '../site-access';

export const CONTEXT_MENU_ID = 'aa-generate-continuation';
export const COMMAND_NAME = 'generate-continuation';

export function createContextMenu(): void {
  chrome.contextMenus.removeAll(() => {
    void chrome.runtime.lastError;
    chrome.contextMenus.create({ id: CONTEXT_MENU_ID, title: 'Generate continuation', contexts: ['editable'] }, () => {
      void chrome.runtime.lastError;
    });
  });
}

async function sendToFrame(tabId: number, frameId: number | undefined, message: ContentRequest): Promise<ContentResponse | undefined> {
  try {
    const options = frameId === undefined ? {} : { frameId };
    const reply: unknown = await chrome.tabs.sendMessage(tabId, message, options);
    const parsed = ContentResponse.safeParse(reply);
    return parsed.success ? parsed.data : undefined;
  } catch {
    // "Receiving end does not exist": no content script of ours there.
    return undefined;
  }
}

/** Makes sure the generic content script runs in the frame (or in all frames when frameId is undefined). */
async function ensureContentScript(tabId: number, frameId: number | undefined): Promise<void> {
  if (frameId !== undefined && (await sendToFrame(tabId, frameId, { type: 'ping' }))?.ok) return;
  await chrome.scripting.executeScript({
    target: frameId === undefined ? { tabId, allFrames: true } : { tabId, frameIds: [frameId] },
    files: [GENERIC_SCRIPT],
  });
}

export async function onContextMenuClicked(info: chrome.contextMenus.OnClickData, tab?: chrome.tabs.Tab): Promise<ContentResponse> {
  if (info.menuItemId !== CONTEXT_MENU_ID || tab?.id === undefined) return { ok: false, message: 'not our menu item' };
  const frameId = info.frameId ?? 0;
  // Ask the frame first: a script already there (the generic one, or the
  // Overleaf one for its editor) answers, and on Overleaf the generic script
  // is then never injected next to the Overleaf path.
  const first = await sendToFrame(tab.id, frameId, { type: 'trigger-generate', source: 'context-menu' });
  if (first?.ok) return first;
  try {
    await ensureContentScript(tab.id, frameId);
  } catch (error) {
    return { ok: false, message: `Cannot run on this page: ${(error as Error).message}` };
  }
  return (await sendToFrame(tab.id, frameId, { type: 'trigger-generate', source: 'context-menu' })) ?? { ok: false, message: 'no field' };
}

export async function onCommand(command: string, tab?: chrome.tabs.Tab): Promise<ContentResponse> {
  if (command !== COMMAND_NAME || tab?.id === undefined) return { ok: false, message: 'not our command' };
  // The focused frame is unknown here: every frame gets the request and only
  // the one whose document has focus on a supported field answers.
  let reply = await sendToFrame(tab.id, undefined, { type: 'trigger-generate', source: 'command' });
  if (reply?.ok) return reply;
  try {
    await ensureContentScript(tab.id, undefined);
  } catch (error) {
    return { ok: false, message: `Cannot run on this page: ${(error as Error).message}` };
  }
  reply = await sendToFrame(tab.id, undefined, { type: 'trigger-generate', source: 'command' });
  return reply ?? { ok: false, message: 'no focused field' };
}
