/**
 * The "add a site" steps in Firefox: the test build's fixture site
 * (lib/extension/sites/fixture.site.ts: http://fixture.localhost/editor/*,
 * codemirror kind) is registered by the background at install with
 * scripting.registerContentScripts, MAIN world included, which is how every
 * site the user enables gets its scripts in production. The host resolves to
 * the local page server (FirefoxLaunchOptions.localHosts).
 *
 * Prerequisite: `npm run build:test:firefox`.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codemirrorRoutes, notebookPath } from '../codemirror-pages';
import { launchFirefox, waitFor, type FirefoxHarness } from './harness';

const HOST = 'fixture.localhost';
const INITIAL = 'We propose a method to';
const BEFORE = `${INITIAL} (cell 0)`;

let h: FirefoxHarness;

beforeAll(async () => {
  h = await launchFirefox({ routes: [codemirrorRoutes('/editor'), codemirrorRoutes('/elsewhere')], localHosts: [HOST] });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const fixtureUrl = (prefix: string) => `http://${HOST}:${h.server.port}${notebookPath({ cells: 1, text: INITIAL }, prefix)}`;
const docText = (page: Page) => page.evaluate(() => (window as any).__cms[0].state.doc.toString() as string);

async function withControl(page: Page, key: 'z' | 'End'): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press(key);
  await page.keyboard.up('Control');
}

describe('Firefox: a site defined in one file', () => {
  it('its CodeMirror editor gets the button (scripts registered at run time), ghost text, Tab and one undo step', async () => {
    const page = await h.openPage(fixtureUrl('/editor'));
    await page.waitForSelector('body[data-ready]');
    // The background registers the scripts at install; a page opened before that finished gets none, so reload until it has them.
    await waitFor(
      async () => {
        if (await page.$('[data-abstract-autocomplete-generate]')) return true;
        await page.reload();
        await page.waitForSelector('body[data-ready]');
        return (await page.waitForSelector('[data-abstract-autocomplete-generate]', { timeout: 3_000 }).catch(() => null)) !== null;
      },
      (ok) => ok,
      30_000,
      'the Generate button from the registered scripts',
    );
    await page.click('.cm-content');
    await withControl(page, 'End');
    await page.click('[data-abstract-autocomplete-generate]');
    await waitFor(() => page.evaluate(() => document.querySelector('[data-abstract-autocomplete="ghost"]')?.getAttribute('data-streaming') ?? null), (v) => v === 'false', 120_000, 'a finished ghost');
    const ghost = (await page.$eval('.aa-ghost-text', (el) => el.textContent)) ?? '';
    expect(ghost.length).toBeGreaterThan(0);
    expect(await docText(page), 'a ghost is not in the document').toBe(BEFORE);

    await page.keyboard.press('Tab');
    expect(await docText(page)).toBe(BEFORE + ghost);
    await page.keyboard.type('Q');
    await withControl(page, 'z');
    await withControl(page, 'z');
    expect(await docText(page), 'one undo removes the whole completion and nothing else').toBe(BEFORE);
    await page.close();
  });

  it("pages of the same host outside the site's path get nothing", async () => {
    // After the test above, the registrations exist: a page on the site's path would have its button by now.
    const page = await h.openPage(fixtureUrl('/elsewhere'));
    await page.waitForSelector('body[data-ready]');
    const control = await h.openPage(fixtureUrl('/editor'));
    await control.waitForSelector('[data-abstract-autocomplete-generate]', { timeout: 30_000 });
    expect(await page.$$eval('[data-abstract-autocomplete-generate]', (els) => els.length)).toBe(0);
    await control.close();
    await page.close();
  });
});
