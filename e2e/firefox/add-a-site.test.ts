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
import { expectTabIsOneUndoStep, finalGhost, focusEnd, GENERATE_BUTTON } from './codemirror-steps';
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

describe('Firefox: a site defined in one file', () => {
  it('its CodeMirror editor gets the button (scripts registered at run time), ghost text, Tab and one undo step', async () => {
    const page = await h.openPage(fixtureUrl('/editor'));
    await page.waitForSelector('body[data-ready]');
    // The background registers the scripts at install; a page opened before that finished gets none, so reload until it has them.
    await waitFor(
      async () => {
        if (await page.$(GENERATE_BUTTON)) return true;
        await page.reload();
        await page.waitForSelector('body[data-ready]');
        return (await page.waitForSelector(GENERATE_BUTTON, { timeout: 3_000 }).catch(() => null)) !== null;
      },
      (ok) => ok,
      30_000,
      'the Generate button from the registered scripts',
    );
    await focusEnd(page);
    await page.click(GENERATE_BUTTON);
    const ghost = await finalGhost(page);
    expect(await docText(page), 'a ghost is not in the document').toBe(BEFORE);
    await expectTabIsOneUndoStep(page, () => docText(page), BEFORE, ghost);
    await page.close();
  });

  it("pages of the same host outside the site's path get nothing", async () => {
    // After the test above, the registrations exist: a page on the site's path would have its button by now.
    const page = await h.openPage(fixtureUrl('/elsewhere'));
    await page.waitForSelector('body[data-ready]');
    const control = await h.openPage(fixtureUrl('/editor'));
    await control.waitForSelector(GENERATE_BUTTON, { timeout: 30_000 });
    expect(await page.$$eval(GENERATE_BUTTON, (els) => els.length)).toBe(0);
    await control.close();
    await page.close();
  });
});
