/**
 * The "add a site" steps of docs/architecture/extension.md, followed once:
 * the fixture site is one file, lib/extension/sites/fixture.site.ts (test
 * build only), naming http://fixture.localhost/editor/* and the codemirror
 * editor kind.
 * Nothing else names it except the test build's grant of its host
 * (wxt.config.ts TEST_GRANTED_HOSTS, standing in for the user's permission).
 * The background registers the kind's scripts at install; the notebook page
 * is served under /editor/ on that host, mapped to the local page server.
 *
 * Prerequisite: `npm run build:test`.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codemirrorRoutes, expectTabIsOneUndoStep, finalGhost, notebookPath } from './codemirror-pages';
import { launch, type Harness } from './harness';
import { hasContentScript } from './observe';

const HOST = 'fixture.localhost';
const INITIAL = 'We propose a method to';

let h: Harness;

beforeAll(async () => {
  h = await launch({
    routes: [codemirrorRoutes('/editor'), codemirrorRoutes('/elsewhere')],
    allowHosts: [HOST],
    hostResolverRules: `MAP ${HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
  });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const fixtureUrl = (prefix: string) => `http://${HOST}:${h.server!.port}${notebookPath({ cells: 1, text: INITIAL }, prefix)}`;
const docText = (page: Page) => page.evaluate(() => (window as any).__cms[0].state.doc.toString() as string);

describe('a site defined in one file', () => {
  it('its editor kind is registered for its pages at install', async () => {
    await expect
      .poll(
        () => h.evalInWorker(async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => `${s.id} ${s.matches?.join(',')}`).sort()),
        { timeout: 10_000 },
      )
      .toEqual([`aa-codemirror ${'http://fixture.localhost/editor/*'}`, `aa-codemirror-main ${'http://fixture.localhost/editor/*'}`]);
  });

  it('its CodeMirror editor gets the button, ghost text, Tab and one undo step', async () => {
    const page = await h.openPage(fixtureUrl('/editor'));
    await page.waitForSelector('body[data-ready]');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.getByRole('button', { name: /Generate/ }).click();
    const ghost = await finalGhost(page);
    expect(await docText(page)).toBe(`${INITIAL} (cell 0)`);
    await expectTabIsOneUndoStep(page, () => docText(page), `${INITIAL} (cell 0)`, ghost);
    await page.close();
  });

  it('pages of the same host outside the site\'s path get nothing', async () => {
    const page = await h.openPage(fixtureUrl('/elsewhere'));
    await page.waitForSelector('body[data-ready]');
    expect(await hasContentScript(h, page)).toBe(false);
    expect(await page.locator('[data-abstract-autocomplete-generate]').count()).toBe(0);
    await page.close();
  });
});
