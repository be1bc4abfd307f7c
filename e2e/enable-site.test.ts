/**
 * A CodeMirror 6 page on a site the user enables with the popup's "Show the
 * Generate button on this site": before, nothing runs there; after, the
 * run-time registrations (site-access.ts) give it the plain-field and the
 * CodeMirror scripts, and the page's editors get the Overleaf-grade
 * experience. Unlike e2e/codemirror.test.ts (local pages, where the test
 * build declares the scripts), nothing here is declared in the manifest.
 *
 * The host is mapped to the local page server. The permission prompt cannot
 * be clicked, so the test build grants this host up front (wxt.config.ts
 * TEST_GRANTED_HOSTS); `permissions.request` then resolves true at once and
 * the popup's own code records the site and registers the scripts. The popup
 * is opened as a background tab next to the page, so that the page is the
 * active tab the popup asks about, as when its toolbar button is clicked.
 *
 * Prerequisite: `npm run build:test`.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codemirrorRoutes, expectTabIsOneUndoStep, finalGhost, notebookPath, shortCompletions } from './codemirror-pages';
import { clickShadowButton, launch, type Harness } from './harness';
import { hasContentScript } from './observe';
import { pickGenerateMenuItem, pressGenerateShortcut } from './triggers';

const HOST = 'notebook.example.org';
const INITIAL = 'We propose a method to';
const initialOf = (cell: number) => `${INITIAL} (cell ${cell})`;

let h: Harness;

beforeAll(async () => {
  h = await launch({
    routes: [codemirrorRoutes()],
    allowHosts: [HOST],
    hostResolverRules: `MAP ${HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
  });
  await shortCompletions(h);
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const notebookUrl = () => `http://${HOST}:${h.server!.port}${notebookPath({ cells: 2, text: INITIAL })}`;
const cell = (page: Page, i: number) => page.locator(`.cell[data-cell="${i}"]`);
const docs = (page: Page) => page.evaluate(() => (window as any).__cms.map((v: any) => v.state.doc.toString() as string));
const buttons = (page: Page) => page.locator('[data-abstract-autocomplete-generate]');
/** Our registrations that cover HOST (the test build's fixture site has its own, e2e/add-a-site.test.ts). */
const registered = () =>
  h.evalInWorker(
    async (host) =>
      (await chrome.scripting.getRegisteredContentScripts())
        .filter((s) => s.matches?.some((m) => m.includes(host)))
        .map((s) => `${s.id} ${s.world ?? 'ISOLATED'} ${s.matches?.filter((m) => m.includes(host)).join(',')}`)
        .sort(),
    HOST,
  );

/** The popup, opened in a background tab of `page`'s window: `page` stays the active tab it asks about. */
async function popupBeside(page: Page): Promise<Page> {
  await h.evalInWorker(async (url) => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url === url)!;
    await chrome.tabs.create({ url: chrome.runtime.getURL('/popup.html'), active: false, windowId: tab.windowId });
  }, page.url());
  const isPopup = (p: Page) => p.url() === `${h.extensionOrigin}/popup.html`;
  await expect.poll(() => h.context.pages().some(isPopup), { timeout: 10_000 }).toBe(true);
  const popup = h.context.pages().find(isPopup)!;
  await popup.waitForLoadState();
  return popup;
}

describe('enabling a site from the popup', () => {
  let page: Page;

  it('before: its CodeMirror page gets nothing', async () => {
    expect(await registered()).toEqual([]);
    page = await h.openPage(notebookUrl());
    await page.waitForSelector('body[data-ready]');
    expect(await hasContentScript(h, page)).toBe(false);
    expect(await buttons(page).count()).toBe(0);
  });

  it('"Show the Generate button on this site" registers the plain-field and CodeMirror scripts for it', async () => {
    const popup = await popupBeside(page);
    await popup.getByRole('button', { name: 'Show the Generate button on this site' }).click();
    await popup.getByText(`Enabled on http://${HOST}:${h.server!.port}.`, { exact: false }).waitFor({ timeout: 10_000 });
    await popup.getByText(`http://${HOST}/*`, { exact: false }).waitFor();
    await popup.close();
    expect(await registered()).toEqual([
      `aa-codemirror ISOLATED http://${HOST}/*`,
      `aa-codemirror-main MAIN http://${HOST}/*`,
      `aa-generic ISOLATED http://${HOST}/*`,
    ]);
  });

  it('after a reload: a button per editor; ghost in the focused one; Tab; one undo step', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    await expect.poll(() => buttons(page).count(), { timeout: 10_000 }).toBe(2);
    await cell(page, 1).locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await cell(page, 1).locator('[data-abstract-autocomplete-generate]').click();
    const ghost = await finalGhost(cell(page, 1));
    expect(await cell(page, 0).locator('.aa-ghost-text').count(), 'no ghost in the other editor').toBe(0);
    expect(await docs(page)).toEqual([initialOf(0), initialOf(1)]);
    await expectTabIsOneUndoStep(page, async () => (await docs(page))[1], initialOf(1), ghost);
    expect((await docs(page))[0], 'the other editor is untouched').toBe(initialOf(0));
  });

  it('the keyboard command and the context menu act on the focused editor there', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    await expect.poll(() => buttons(page).count(), { timeout: 10_000 }).toBe(2);
    await page.bringToFront();
    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    expect(await pressGenerateShortcut(h, page)).toEqual({ ok: true });
    const ghost = await finalGhost(cell(page, 0));
    await page.keyboard.press('Control+ArrowRight');
    const word = /^\s*\S+/u.exec(ghost)![0];
    expect(await docs(page)).toEqual([initialOf(0) + word, initialOf(1)]);

    await cell(page, 1).locator('.cm-content').click({ button: 'right' });
    expect(await pickGenerateMenuItem(h, page)).toEqual({ ok: true });
    await finalGhost(cell(page, 1));
    expect(await docs(page), 'a ghost is not in the document').toEqual([initialOf(0) + word, initialOf(1)]);
    await page.close();
  });

  it('a textarea on the same site gets the plain-field Generate button, which streams after the user text', async () => {
    const form = await h.openPage(`http://${HOST}:${h.server!.port}/textarea.html`);
    const field = form.locator('#abstract');
    await field.click();
    await field.pressSequentially('We propose a new method');
    await clickShadowButton(form, 'abstract-autocomplete-ui', /^Generate/);
    await expect.poll(() => form.locator('abstract-autocomplete-ui').getAttribute('data-last-tokens'), { timeout: 60_000 }).not.toBeNull();
    const value = await field.inputValue();
    expect(value.startsWith('We propose a new method')).toBe(true);
    expect(value.length).toBeGreaterThan('We propose a new method'.length);
    await form.close();
  });
});
