/**
 * Waits on state instead of on time, for the checks that something did NOT
 * happen: each helper ends at a point after which the thing, had it been
 * started, would already be visible.
 */
import type { Page } from 'playwright-core';
import type { Harness } from './harness';

/**
 * Whether any of our content scripts listens in `page`'s top frame, asked once
 * the page has loaded (declared and registered scripts run by `document_idle`,
 * at the latest right after the load event). A frame where none listens
 * answers "Receiving end does not exist"; one whose scripts ignore the ping
 * answers without a reply.
 */
export async function hasContentScript(h: Harness, page: Page): Promise<boolean> {
  await page.waitForLoadState('load');
  return h.evalInWorker(async (url) => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url === url)!;
    try {
      await chrome.tabs.sendMessage(tab.id!, { type: 'ping' }, { frameId: 0 });
      return true;
    } catch (error) {
      return !/Receiving end does not exist/.test(String(error));
    }
  }, page.url());
}

/**
 * Resolves after every window message the page's scripts have posted so far,
 * and those they post while handling them (two hops: the isolated script's
 * request and the MAIN script's reply), has been delivered.
 */
export function windowMessagesSettled(page: Page): Promise<void> {
  return page.evaluate(async () => {
    const hop = (mark: string) =>
      new Promise<void>((resolve) => {
        const seen = (e: MessageEvent) => {
          if (e.data !== mark) return;
          removeEventListener('message', seen);
          resolve();
        };
        addEventListener('message', seen);
        postMessage(mark, location.origin);
      });
    await hop('aa-e2e-settle-1');
    await hop('aa-e2e-settle-2');
  });
}
