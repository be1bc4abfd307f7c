/**
 * The two ways in that Playwright cannot reach as a person would: a browser
 * shortcut (Alt+Shift+G) and a native context-menu item. These call what
 * Chrome calls, the background's own handlers, exposed by the test build on
 * `globalThis.__aaTest` (entrypoints/background.ts), with `page`'s tab.
 */
import type { Page } from 'playwright-core';
import type { Harness } from './harness';

/**
 * The shortcut pressed in `page`'s tab (the command goes to the frame whose
 * document has focus). A key press that DevTools sends reaches the page but
 * not the browser's shortcut handling (tried: `keyboard.press('Alt+Shift+G')`
 * fires no command), so this checks that the installed extension's command
 * is bound to Alt+Shift+G and then calls its handler.
 */
export async function pressGenerateShortcut(h: Harness, page: Page): Promise<unknown> {
  const bound = await h.evalInWorker(async () => (await chrome.commands.getAll()).find((c) => c.name === 'generate-continuation')?.shortcut);
  if (bound !== 'Alt+Shift+G') throw new Error(`generate-continuation is bound to ${JSON.stringify(bound)}, not Alt+Shift+G`);
  return h.evalInWorker(async (url) => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url === url)!;
    return (globalThis as any).__aaTest.onCommand('generate-continuation', tab);
  }, page.url());
}

/** "Generate continuation" picked from the menu of an editable element in `page`'s top frame (right-click it first). */
export function pickGenerateMenuItem(h: Harness, page: Page): Promise<unknown> {
  return h.evalInWorker(async (url) => {
    const test = (globalThis as any).__aaTest;
    const tab = (await chrome.tabs.query({})).find((t) => t.url === url)!;
    return test.onContextMenuClicked({ menuItemId: test.CONTEXT_MENU_ID, editable: true, frameId: 0, pageUrl: url }, tab);
  }, page.url());
}
