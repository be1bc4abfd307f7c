/**
 * CodeMirror 6 on an enabled site that is not Overleaf: a notebook-like page
 * with two editors (e2e/pages/codemirror/notebook.ts), served locally, where
 * the test build runs the plain-field and CodeMirror scripts (as an opted-in
 * site gets them). Both CodeMirror layouts (cmTile ≥ 6.39, cmView before), no
 * site hook: the EditorView is found from the DOM.
 *
 * Prerequisite: `npm run build:test`.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codemirrorRoutes, finalGhost, notebookPath, shortCompletions, type CmBuild } from './codemirror-pages';
import { launch, shadowButtonBox, type Harness } from './harness';
import { pickGenerateMenuItem, pressGenerateShortcut } from './triggers';

const INITIAL = 'We propose a method to';
const initialOf = (cell: number) => `${INITIAL} (cell ${cell})`;

let h: Harness;

beforeAll(async () => {
  h = await launch({ routes: [codemirrorRoutes()] });
  await shortCompletions(h);
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const cell = (page: Page, i: number) => page.locator(`.cell[data-cell="${i}"]`);
const docs = (page: Page) => page.evaluate(() => (window as any).__cms.map((v: any) => v.state.doc.toString() as string));
const generateButton = (page: Page, i: number) => cell(page, i).locator('[data-abstract-autocomplete-generate]');

async function openNotebook(cm: CmBuild): Promise<Page> {
  const page = await h.openPage(notebookPath({ cm, cells: 2, text: INITIAL }));
  await page.waitForSelector('body[data-ready]');
  await generateButton(page, 1).waitFor();
  return page;
}

async function focusEnd(page: Page, i: number): Promise<void> {
  await cell(page, i).locator('.cm-content').click();
  await page.keyboard.press('Control+End');
}

describe.each<CmBuild>(['new', 'old'])('CodeMirror 6 on an enabled page, @codemirror/view %s layout, two editors', (cm) => {
  it('each editor gets a Generate button; the plain-field button stays away', async () => {
    const page = await openNotebook(cm);
    await expect.poll(() => page.locator('[data-abstract-autocomplete-generate]').count()).toBe(2);
    // The plain-field script is in the page (its host element), and it shows its button in its focusin
    // handler, which has run by the time the click that focuses the editor returns.
    await page.locator('abstract-autocomplete-ui').waitFor({ state: 'attached' });
    await focusEnd(page, 0);
    expect(await shadowButtonBox(page, 'abstract-autocomplete-ui', /^Generate/), 'no plain-field button on a CodeMirror editor').toBeNull();
    await page.close();
  });

  it('ghost text in the focused editor only; Tab inserts it; one Ctrl+Z removes exactly it', async () => {
    const page = await openNotebook(cm);
    await focusEnd(page, 1);
    await generateButton(page, 1).click();
    const ghost = await finalGhost(cell(page, 1));
    expect(await cell(page, 0).locator('.aa-ghost-text').count(), 'no ghost in the other editor').toBe(0);
    expect(await docs(page), 'a ghost is not in any document').toEqual([initialOf(0), initialOf(1)]);

    await page.keyboard.press('Tab');
    expect(await docs(page)).toEqual([initialOf(0), initialOf(1) + ghost]);
    await page.keyboard.press('Control+z');
    expect(await docs(page), 'one undo step removes the whole completion and nothing else').toEqual([initialOf(0), initialOf(1)]);
    await page.close();
  });

  it("the clicked button's editor counts, even with the caret in another one; Esc dismisses", async () => {
    const page = await openNotebook(cm);
    await focusEnd(page, 1);
    await generateButton(page, 0).click();
    await finalGhost(cell(page, 0));
    expect(await cell(page, 1).locator('.aa-ghost-text').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.aa-ghost-text').count()).toBe(0);
    expect(await docs(page)).toEqual([initialOf(0), initialOf(1)]);
    await page.close();
  });

  it('the keyboard command generates in the focused editor; Ctrl+→ takes one word', async () => {
    const page = await openNotebook(cm);
    await page.bringToFront();
    await focusEnd(page, 0);
    expect(await pressGenerateShortcut(h, page)).toEqual({ ok: true });
    const ghost = await finalGhost(cell(page, 0));
    await page.keyboard.press('Control+ArrowRight');
    const word = /^\s*\S+/u.exec(ghost)![0];
    expect(await docs(page)).toEqual([initialOf(0) + word, initialOf(1)]);
    await page.close();
  });

  it('right-click "Generate continuation" in an editor generates there, as ghost text', async () => {
    const page = await openNotebook(cm);
    await focusEnd(page, 0);
    await cell(page, 1).locator('.cm-content').click({ button: 'right' });
    await page.keyboard.press('Control+End');
    expect(await pickGenerateMenuItem(h, page)).toEqual({ ok: true });
    await finalGhost(cell(page, 1));
    expect(await docs(page), 'nothing typed into the document').toEqual([initialOf(0), initialOf(1)]);
    await page.close();
  });
});
