/**
 * CodeMirror 6 in Firefox: ghost text, Tab accepts, one Ctrl+Z removes it,
 * for both editor kinds built on CodeMirror and both @codemirror/view layouts.
 * - The codemirror kind (any enabled site): the two-editor notebook page of
 *   e2e/codemirror-pages.ts on http://127.0.0.1, where the test build
 *   declares the plain-field and CodeMirror scripts, as an opted-in site gets them.
 * - The overleaf kind: e2e/overleaf-server.ts's CodeMirror project page,
 *   reached as https://127.0.0.1:<port>/project/<id>: Firefox has no
 *   host-resolver flag to serve it as https://www.overleaf.com, so the Firefox
 *   TEST build declares the same two Overleaf scripts for
 *   https://127.0.0.1/project/* (wxt.config.ts FIREFOX_TEST_OVERLEAF_MATCHES).
 *   Production is unchanged.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codemirrorRoutes, notebookPath } from '../codemirror-pages';
import { startOverleafServer, type CmBuild, type OverleafServer } from '../overleaf-server';
import { launchFirefox, waitFor, type FirefoxHarness } from './harness';

const INITIAL = 'We propose a method to';
let server: OverleafServer;
let h: FirefoxHarness;

beforeAll(async () => {
  server = await startOverleafServer();
  // The local server's certificate is self-signed (made at test time).
  h = await launchFirefox({ acceptInsecureCerts: true, routes: [codemirrorRoutes()] });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
  await server?.close();
});

async function openProject(cm: CmBuild): Promise<Page> {
  const url = new URL(server.projectUrl({ cm, variant: 'plain', text: INITIAL }));
  url.host = `127.0.0.1:${server.port}`;
  const page = await h.browser.newPage();
  await page.goto(url.href);
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('[data-abstract-autocomplete-generate]', { timeout: 30_000 });
  await page.click('.cm-content');
  await withControl(page, 'End');
  return page;
}

const docText = (page: Page) => page.evaluate(() => (window as any).__cm.state.doc.toString() as string);
const attr = (page: Page, selector: string, name: string) => page.evaluate((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, selector, name);

async function withControl(page: Page, key: 'z' | 'End'): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press(key);
  await page.keyboard.up('Control');
}
const undo = (page: Page) => withControl(page, 'z');

/** Waits until the ghost under `scope` (a CSS selector) holds the final completion; returns its text. */
async function finalGhost(page: Page, scope = ''): Promise<string> {
  await waitFor(() => attr(page, `${scope} [data-abstract-autocomplete="ghost"]`, 'data-streaming'), (v) => v === 'false', 120_000, 'a finished ghost');
  const ghost = (await page.$eval(`${scope} .aa-ghost-text`, (el) => el.textContent)) ?? '';
  expect(ghost.length).toBeGreaterThan(0);
  expect(ghost).not.toBe('…');
  return ghost;
}

/** Tab inserts the ghost; typing right after is its own undo step; one more Ctrl+Z removes the whole completion. */
async function expectTabIsOneUndoStep(page: Page, readDoc: () => Promise<string>, before: string, ghost: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await readDoc()).toBe(before + ghost);
  await waitFor(() => page.evaluate(() => document.querySelectorAll('.aa-ghost').length), (n) => n === 0, 5_000, 'ghost gone');
  await page.keyboard.type('Q');
  expect(await readDoc()).toBe(before + ghost + 'Q');
  await undo(page);
  expect(await readDoc()).toBe(before + ghost);
  await undo(page);
  expect(await readDoc(), 'one undo removes the whole completion and nothing else').toBe(before);
}

describe.each<CmBuild>(['new', 'old'])('Firefox: CodeMirror 6 on an enabled page, two editors (@codemirror/view %s layout)', (cm) => {
  const cell = (i: number) => `.cell[data-cell="${i}"]`;
  const initialOf = (i: number) => `${INITIAL} (cell ${i})`;
  const cellDoc = (page: Page, i: number) => page.evaluate((n) => (window as any).__cms[n].state.doc.toString() as string, i);

  it('ghost text in the focused editor only, not in any document; Tab accepts as one undo step', async () => {
    const page = await h.openPage(notebookPath({ cm, cells: 2, text: INITIAL }));
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector(`${cell(1)} [data-abstract-autocomplete-generate]`, { timeout: 30_000 });
    expect(await page.$$eval('[data-abstract-autocomplete-generate]', (els) => els.length), 'one button per editor').toBe(2);
    await page.click(`${cell(1)} .cm-content`);
    await withControl(page, 'End');
    await page.click(`${cell(1)} [data-abstract-autocomplete-generate]`);
    const ghost = await finalGhost(page, cell(1));
    expect(await page.$$eval(`${cell(0)} .aa-ghost-text`, (els) => els.length), 'no ghost in the other editor').toBe(0);
    expect([await cellDoc(page, 0), await cellDoc(page, 1)], 'a ghost is not in any document').toEqual([initialOf(0), initialOf(1)]);

    await expectTabIsOneUndoStep(page, () => cellDoc(page, 1), initialOf(1), ghost);
    expect(await cellDoc(page, 0), 'the other editor is untouched').toBe(initialOf(0));
    await page.close();
  });
});

describe.each<CmBuild>(['new', 'old'])('Firefox: Overleaf (@codemirror/view %s layout)', (cm) => {
  it('ghost text at the caret, not in the document; Tab accepts as one undo step', async () => {
    const page = await openProject(cm);
    await page.click('[data-abstract-autocomplete-generate]');
    const ghost = await finalGhost(page);
    // Shown, not inserted: collaborators see nothing until it is accepted.
    expect(await docText(page)).toBe(INITIAL);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });
});
