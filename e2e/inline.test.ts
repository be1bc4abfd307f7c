/**
 * Suggestions as you type, end to end: the built test extension in Debian
 * Chromium with the real model behind it, typed with the keyboard as a person
 * would, in the Overleaf-like page (CodeMirror ≥ 6.39 and the older layout,
 * served as https://www.overleaf.com). Nothing here waits for a time: every
 * wait is for a condition (a ghost on screen, the editor's inline state).
 *
 * Prerequisite: `npm run build:test`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { codemirrorRoutes, expectTabIsOneUndoStep, notebookPath } from './codemirror-pages';
import { launch, type Harness } from './harness';
import { INLINE_STATE_ATTR, inlineGhost, setInlineSettings, watchGhosts } from './inline-helpers';
import { docText, openProject as openOverleafProject } from './overleaf-page';
import { overleafLaunchOptions, startOverleafServer, type CmBuild, type EditorVariant, type OverleafServer } from './overleaf-server';

const INITIAL = 'In this paper, we';

let server: OverleafServer;
let h: Harness;

beforeAll(async () => {
  server = await startOverleafServer();
  h = await launch({ ...overleafLaunchOptions(server), routes: [codemirrorRoutes()] });
});

afterAll(async () => {
  h?.assertNoExternalRequests();
  await h?.close();
  await server?.close();
});

const openProject = (cm: CmBuild, variant: EditorVariant = 'plain', text = INITIAL) => openOverleafProject(h, server, { cm, variant, text });
const state = (page: Page) => page.locator('.cm-editor').getAttribute(INLINE_STATE_ATTR);

describe.each<CmBuild>(['new', 'old'])('inline suggestions, Overleaf-like page, @codemirror/view %s layout', (cm) => {
  beforeAll(() => setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 }));

  it('a pause shows ghost text at the caret without a click; the document is unchanged', async () => {
    const page = await openProject(cm);
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    expect(ghost.trim().length).toBeGreaterThan(0);
    expect(await docText(page)).toBe(`${INITIAL} propose`);
    const placement = await page.evaluate(() => {
      const view = (window as any).__cm;
      const caret = view.coordsAtPos(view.state.selection.main.head);
      const rect = document.querySelector('.aa-ghost-text')!.getClientRects()[0]!;
      return { dx: Math.abs(rect.left - caret.left), dy: Math.abs(rect.top - caret.top) };
    });
    expect(placement.dx).toBeLessThan(3);
    expect(placement.dy).toBeLessThan(6);
    await page.close();
  });

  it('typing the characters the ghost shows consumes them and keeps the rest, without the ghost going away', async () => {
    const page = await openProject(cm);
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    const seen = await watchGhosts(page);
    const typed = ghost.slice(0, 2);
    await page.keyboard.type(typed);
    await expect.poll(() => page.locator('.aa-ghost-text').first().textContent()).toBe(ghost.slice(2));
    expect(await docText(page)).toBe(`${INITIAL} propose${typed}`);
    expect(await seen.gaps(), 'the ghost never left the screen').toBe(0);
    await page.close();
  });

  it('Alt+] shows a different candidate (the ghost stays while they load), Alt+[ the previous one', async () => {
    const page = await openProject(cm);
    await page.keyboard.type(' propose');
    const first = await inlineGhost(page);
    const seen = await watchGhosts(page);
    await page.keyboard.press('Alt+BracketRight');
    await expect.poll(() => page.locator('.aa-ghost-text').first().textContent()).not.toBe(first);
    expect(await seen.gaps(), 'the ghost never left the screen while the alternatives loaded').toBe(0);
    const second = (await page.locator('.aa-ghost-text').first().textContent())!;
    expect(second.trim().split(/\s/)[0]).not.toBe(first.trim().split(/\s/)[0]);
    await page.keyboard.press('Alt+BracketLeft');
    await expect.poll(() => page.locator('.aa-ghost-text').first().textContent()).toBe(first);
    expect(await docText(page)).toBe(`${INITIAL} propose`);
    await page.close();
  });

  it('Tab inserts the suggestion as one undo step', async () => {
    const page = await openProject(cm);
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    await expectTabIsOneUndoStep(page, () => docText(page), `${INITIAL} propose`, ghost);
    await page.close();
  });

  it('fast typing never shows a stale suggestion', async () => {
    // A long pause, so that no keystroke of the burst below comes after a full pause.
    await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 600 });
    try {
      const page = await openProject(cm);
      const seen = await watchGhosts(page);
      const burst = ' propose a new method for the';
      await page.keyboard.type(burst, { delay: 15 });
      await inlineGhost(page);
      const shown = await seen.records();
      expect(shown.length).toBeGreaterThan(0);
      for (const record of shown) expect(record.doc, 'every ghost was shown for the text on screen').toBe(INITIAL + burst);
      await page.close();
    } finally {
      await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
    }
  });

  it('nothing mid-line or inside \\cite{', async () => {
    const page = await openProject(cm, 'plain', 'We build on prior work');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Alt+Backslash');
    await expect.poll(() => state(page)).toBe('mid-line');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' \\cite{smi');
    await page.keyboard.press('Alt+Backslash');
    await expect.poll(() => state(page)).toBe('key-braces');
    await page.keyboard.type('th}, and we');
    await page.keyboard.press('Alt+Backslash');
    // The control: the same editor does suggest once the caret is out of the braces.
    await expect.poll(() => state(page), { timeout: 90_000 }).toMatch(/^(shown|nothing)$/);
    await page.close();
  });

  it('the inline switch off shows nothing, and switching it off clears a shown ghost at once', async () => {
    const page = await openProject(cm);
    await page.keyboard.type(' propose');
    await inlineGhost(page);
    await setInlineSettings(h, { enabled: false });
    await expect.poll(() => page.locator('.aa-ghost').count()).toBe(0);
    await page.keyboard.type(' a');
    await expect.poll(() => state(page)).toBe('off');
    await page.keyboard.press('Alt+Backslash');
    expect(await page.locator('.aa-ghost').count()).toBe(0);
    await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
    await page.close();
  });
});

describe('inline suggestions with Overleaf\'s own CodeMirror (native decoration and keymap)', () => {
  it('a pause shows the ghost; Alt+] cycles; Tab inserts as one undo step', async () => {
    await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
    const page = await openProject('new', 'extensions');
    await page.keyboard.type(' propose');
    const first = await inlineGhost(page);
    expect(await page.evaluate(() => !!(window as any).__cm.contentDOM.querySelector('.aa-ghost')), 'a decoration inside the editor').toBe(true);
    await page.keyboard.press('Alt+BracketRight');
    await expect.poll(() => page.locator('.aa-ghost-text').first().textContent()).not.toBe(first);
    const second = (await page.locator('.aa-ghost-text').first().textContent())!;
    await expectTabIsOneUndoStep(page, () => docText(page), `${INITIAL} propose`, second);
    await page.close();
  });
});

describe('inline suggestions on any enabled CodeMirror 6 page (a notebook of editors)', () => {
  it('the ghost appears in the editor being typed in, and only there; Tab inserts it there', async () => {
    await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
    const page = await h.openPage(notebookPath({ cm: 'old', cells: 2, text: 'In this paper, we' }));
    await page.waitForSelector('body[data-ready]');
    await page.locator('.cell[data-cell="1"] .cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    expect(await page.locator('.cell[data-cell="1"] .aa-ghost-text').count()).toBe(1);
    expect(await page.locator('.cell[data-cell="0"] .aa-ghost').count()).toBe(0);
    const cell = (i: number) => page.evaluate((n) => (window as any).__cms[n].state.doc.toString() as string, i);
    await page.keyboard.press('Tab');
    expect(await cell(1)).toBe(`In this paper, we (cell 1) propose${ghost}`);
    expect(await cell(0)).toBe('In this paper, we (cell 0)');
    await page.close();
  });
});
