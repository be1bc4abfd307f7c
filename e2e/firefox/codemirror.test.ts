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
import { expectTabIsOneUndoStep, finalGhost, focusEnd, GENERATE_BUTTON } from './codemirror-steps';
import { launchFirefox, type FirefoxHarness } from './harness';

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
  await page.waitForSelector(GENERATE_BUTTON, { timeout: 30_000 });
  await focusEnd(page);
  return page;
}

const docText = (page: Page) => page.evaluate(() => (window as any).__cm.state.doc.toString() as string);
describe.each<CmBuild>(['new', 'old'])('Firefox: CodeMirror 6 on an enabled page, two editors (@codemirror/view %s layout)', (cm) => {
  const cell = (i: number) => `.cell[data-cell="${i}"]`;
  const initialOf = (i: number) => `${INITIAL} (cell ${i})`;
  const cellDoc = (page: Page, i: number) => page.evaluate((n) => (window as any).__cms[n].state.doc.toString() as string, i);

  it('ghost text in the focused editor only, not in any document; Tab accepts as one undo step', async () => {
    const page = await h.openPage(notebookPath({ cm, cells: 2, text: INITIAL }));
    await page.waitForSelector('body[data-ready]');
    await page.waitForSelector(`${cell(1)} ${GENERATE_BUTTON}`, { timeout: 30_000 });
    expect(await page.$$eval(GENERATE_BUTTON, (els) => els.length), 'one button per editor').toBe(2);
    await focusEnd(page, cell(1));
    await page.click(`${cell(1)} ${GENERATE_BUTTON}`);
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
    await page.click(GENERATE_BUTTON);
    const ghost = await finalGhost(page);
    // Shown, not inserted: collaborators see nothing until it is accepted.
    expect(await docText(page)).toBe(INITIAL);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });
});
