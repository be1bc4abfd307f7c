/**
 * The real action popup, opened over a web page with `chrome.action.openPopup()`
 * so that "this site" in it is that page's origin (a popup.html tab would be
 * its own active tab). Playwright does not expose action popups as pages, so
 * these helpers reach it through its DevTools target: evaluate, key presses
 * (Input.dispatchKeyEvent, the same path Playwright's keyboard takes), and
 * screenshots. Shared by e2e/popup.test.ts and scripts/popup-screenshot.ts.
 */
import type { Page } from 'playwright-core';
import type { Harness } from './harness';

const POPUP = '/popup.html';

export interface ActionPopup {
  /** Evaluates an expression in the popup (awaiting a promise) and returns its JSON value. */
  eval<T = unknown>(expression: string): Promise<T>;
  /** Presses a key: 'Tab', 'Space', 'Enter', 'Home', 'ArrowRight'. */
  press(key: keyof typeof KEYS): Promise<void>;
  /** Presses Tab until the element matching `selector` has the focus; returns the presses it took. */
  tabTo(selector: string, limit?: number): Promise<number>;
  /** One DevTools command to the popup, on a session of its own. */
  send(method: string, params?: Record<string, unknown>): Promise<any>;
  /** Several commands on one session (emulation lasts only as long as the session that set it). */
  session<R>(use: (send: (method: string, params?: Record<string, unknown>) => Promise<any>) => Promise<R>): Promise<R>;
}

const KEYS = {
  Tab: { key: 'Tab', code: 'Tab', windowsVirtualKeyCode: 9 },
  Space: { key: ' ', code: 'Space', windowsVirtualKeyCode: 32, text: ' ' },
  Enter: { key: 'Enter', code: 'Enter', windowsVirtualKeyCode: 13, text: '\r' },
  Home: { key: 'Home', code: 'Home', windowsVirtualKeyCode: 36 },
  ArrowRight: { key: 'ArrowRight', code: 'ArrowRight', windowsVirtualKeyCode: 39 },
} as const;

export async function openActionPopup(h: Harness, over: Page): Promise<ActionPopup> {
  await over.bringToFront();
  await h.evalInWorker(() => chrome.action.openPopup());
  const deadline = Date.now() + 15_000;
  while ((await h.evalInTargetByUrl(POPUP, 'document.readyState')) !== 'complete') {
    if (Date.now() > deadline) throw new Error('the action popup did not open');
    await new Promise((r) => setTimeout(r, 100));
  }
  const send = async (method: string, params?: Record<string, unknown>) => {
    const reply = await h.withTargetByUrl(POPUP, (s) => s(method, params));
    if (reply === undefined) throw new Error('the action popup has closed');
    return reply;
  };
  const popup: ActionPopup = {
    send,
    async session(use) {
      const result = await h.withTargetByUrl(POPUP, use);
      if (result === undefined) throw new Error('the action popup has closed');
      return result;
    },
    async eval<T>(expression: string) {
      const reply = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (reply.exceptionDetails) throw new Error(`in the popup: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
      return reply.result?.value as T;
    },
    async press(name) {
      const { text, ...key } = KEYS[name] as { text?: string; key: string; code: string; windowsVirtualKeyCode: number };
      await send('Input.dispatchKeyEvent', { type: text ? 'keyDown' : 'rawKeyDown', ...key, ...(text && { text }) });
      await send('Input.dispatchKeyEvent', { type: 'keyUp', ...key });
    },
    async tabTo(selector, limit = 60) {
      for (let i = 1; i <= limit; i++) {
        await popup.press('Tab');
        if (await popup.eval<boolean>(`document.activeElement === document.querySelector(${JSON.stringify(selector)})`)) return i;
      }
      throw new Error(`not reachable with Tab in the popup: ${selector}`);
    },
  };
  return popup;
}
