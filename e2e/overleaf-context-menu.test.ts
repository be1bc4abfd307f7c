/**
 * Right-click "Generate continuation" on an Overleaf project page: the
 * background's context-menu handler must end up in the Overleaf scripts
 * (ghost text, nothing in the document until Tab), and the generic content
 * script — which the handler injects into pages that lack it — must never
 * also type into CodeMirror's `.cm-content`, which would bypass CodeMirror's
 * undo history and reach collaborators mid-stream.
 *
 * Prerequisite: `npm run build:test`. The model's text is not asserted.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Harness } from './harness';
import { pickGenerateMenuItem } from './triggers';
import { docText, ghostText, openProject as openOverleafProject } from './overleaf-page';
import { overleafLaunchOptions, startOverleafServer, type OverleafServer } from './overleaf-server';

const INITIAL = 'We propose a method to';

let server: OverleafServer;
let h: Harness;

beforeAll(async () => {
  server = await startOverleafServer();
  h = await launch(overleafLaunchOptions(server));
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
  await server?.close();
});

const openProject = (id: string) => openOverleafProject(h, server, { text: INITIAL, id });
const contentText = (page: Page) => page.locator('.cm-content').textContent();

const generateControl = (page: Page) => page.locator('[data-abstract-autocomplete-generate]');

/** What Chrome calls when the user picks our item after right-clicking the editor. */
async function rightClickGenerate(page: Page): Promise<unknown> {
  await page.locator('.cm-content').click({ button: 'right' });
  const reply = await pickGenerateMenuItem(h, page);
  // Busy from the request on: an idle control here is what let a check read the "…" placeholder as the result.
  expect(await generateControl(page).getAttribute('aria-busy')).toBe('true');
  return reply;
}

/** Waits until the Overleaf run is over and checks the document was never touched meanwhile. */
async function expectGhostOnly(page: Page): Promise<string> {
  await page.locator('[data-abstract-autocomplete-generate][aria-busy="false"]').waitFor({ timeout: 90_000 });
  // Idle means the final completion is drawn: no placeholder, nothing still streaming.
  expect(await page.locator('[data-abstract-autocomplete="ghost"]').getAttribute('data-streaming')).toBe('false');
  const ghost = (await ghostText(page))!;
  expect(ghost).toBeTruthy();
  expect(ghost).not.toBe('…');
  expect(await docText(page)).toBe(INITIAL);
  expect(await contentText(page)).toBe(INITIAL);
  // Tab inserts exactly the ghost: the only text that reaches the document.
  await page.keyboard.press('Tab');
  expect(await docText(page)).toBe(INITIAL + ghost);
  return ghost;
}

const genericUiCount = (page: Page) => page.locator('abstract-autocomplete-ui').count();

describe('Overleaf: right-click "Generate continuation"', () => {
  it('shows ghost text through the Overleaf scripts and does not inject the generic script', async () => {
    const page = await openProject('ctxmenu1');
    const reply = await rightClickGenerate(page);
    expect(reply).toEqual({ ok: true });
    await expectGhostOnly(page);
    // The Overleaf script answered, so the generic script was never needed here.
    expect(await genericUiCount(page)).toBe(0);
    await page.close();
  });

  it('with the generic script already in the page, it still leaves the editor alone', async () => {
    const page = await openProject('ctxmenu2');
    // As if the user had opted into all sites, or an earlier right-click injected it.
    const url = page.url();
    await h.evalInWorker(async (u) => {
      const tab = (await chrome.tabs.query({})).find((t) => t.url === u)!;
      await chrome.scripting.executeScript({ target: { tabId: tab.id!, frameIds: [0] }, files: ['content-scripts/content.js'] });
    }, url);
    await expect.poll(() => genericUiCount(page)).toBe(1);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    // No generic Generate button for Overleaf's editor.
    expect(await page.getByRole('button', { name: 'Generate continuation (Alt+Shift+G)' }).isVisible()).toBe(false);
    const reply = await rightClickGenerate(page);
    expect(reply).toEqual({ ok: true });
    await expectGhostOnly(page);
    // The generic script never ran a generation here (it marks every run it starts or ends).
    const genericUi = page.locator('abstract-autocomplete-ui');
    expect(await genericUi.getAttribute('data-state')).toBe('idle');
    for (const mark of ['data-last-tokens', 'data-last-stop-reason', 'data-last-error']) expect(await genericUi.getAttribute(mark)).toBeNull();
    await page.close();
  });
});
