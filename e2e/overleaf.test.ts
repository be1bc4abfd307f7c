/**
 * The Overleaf path end to end: the built test extension in Debian Chromium,
 * on a CodeMirror 6 page served as https://www.overleaf.com (overleaf-server.ts),
 * with the real model pipeline (background → offscreen engine) behind it.
 *
 * Prerequisite: `npm run build:test` (and a model in public/models/abstract-gpt/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectTabIsOneUndoStep } from './codemirror-pages';
import { launch, setTestPace, type Harness } from './harness';
import { hasContentScript, windowMessagesSettled } from './observe';
import { docText, ghostText, openProject as openOverleafProject } from './overleaf-page';
import { overleafLaunchOptions, startOverleafServer, type CmBuild, type EditorVariant, type OverleafServer } from './overleaf-server';

const INITIAL = 'We propose a method to';
const GENERATE = { name: /Generate/ };

let server: OverleafServer;
let h: Harness;

beforeAll(async () => {
  server = await startOverleafServer();
  h = await launch(overleafLaunchOptions(server));
  // Opening the popup loads the model; its status line says when it is ready. The first test then waits
  // for streaming, not for a cold load that a busy 2-core machine can stretch past its budget.
  const popup = await h.openExtensionPage('popup.html');
  await popup.getByText(/^Model ready/).waitFor({ timeout: 170_000 });
  await popup.close();
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

const openProject = (cm: CmBuild, variant: EditorVariant = 'plain') => openOverleafProject(h, server, { cm, variant, text: INITIAL });

/** Clicks Generate and waits until the completion is complete; returns the ghost text. */
async function generateGhost(page: Page): Promise<string> {
  await page.getByRole('button', GENERATE).click();
  // Busy from the click on; idle again once the final completion is drawn.
  expect(await page.locator('[data-abstract-autocomplete-generate]').getAttribute('aria-busy')).toBe('true');
  await page.locator('[data-abstract-autocomplete-generate][aria-busy="false"]').waitFor({ timeout: 90_000 });
  expect(await page.locator('[data-abstract-autocomplete="ghost"]').getAttribute('data-streaming')).toBe('false');
  const text = await ghostText(page);
  expect(text, 'a completion is shown as ghost text').toBeTruthy();
  expect(text).not.toBe('…');
  return text!;
}

describe.each<CmBuild>(['new', 'old'])('Overleaf editor, @codemirror/view %s layout', (cm) => {
  it('shows streamed ghost text at the caret, not in the document; Tab accepts as one undo step', async () => {
    const page = await openProject(cm);
    await page.getByRole('button', GENERATE).click();
    // While streaming: some ghost text at the caret, document untouched (collaborators see nothing).
    await page.waitForFunction(() => {
      const t = document.querySelector('.aa-ghost-text')?.textContent;
      return !!t && t !== '…';
    }, undefined, { timeout: 90_000 });
    expect(await docText(page)).toBe(INITIAL);
    const placement = await page.evaluate(() => {
      const view = (window as any).__cm;
      const caret = view.coordsAtPos(view.state.selection.main.head);
      const rect = document.querySelector('.aa-ghost-text')!.getClientRects()[0];
      return { dx: Math.abs(rect.left - caret.left), dy: Math.abs(rect.top - caret.top), inContent: !!view.contentDOM.querySelector('.aa-ghost') };
    });
    expect(placement.dx).toBeLessThan(3);
    expect(placement.dy).toBeLessThan(6);
    expect(placement.inContent, 'overlay lives outside .cm-content').toBe(false);

    await page.locator('[data-abstract-autocomplete-generate][aria-busy="false"]').waitFor({ timeout: 90_000 });
    // The control turns idle only once the final text is drawn (the MAIN side answers "drawn").
    expect(await page.locator('[data-abstract-autocomplete="ghost"]').getAttribute('data-streaming')).toBe('false');
    const ghost = (await ghostText(page))!;
    expect(await docText(page)).toBe(INITIAL);

    await page.keyboard.press('Tab');
    expect(await docText(page)).toBe(INITIAL + ghost);
    await expect.poll(() => page.locator('.aa-ghost').count()).toBe(0);
    // Typing right after the accept must stay a separate undo step.
    await page.keyboard.type('Q');
    expect(await docText(page)).toBe(INITIAL + ghost + 'Q');
    await page.keyboard.press('Control+z');
    expect(await docText(page)).toBe(INITIAL + ghost);
    await page.keyboard.press('Control+z');
    expect(await docText(page), 'one undo removes the whole completion and nothing else').toBe(INITIAL);
    await page.close();
  });

  it('Esc dismisses without touching the document', async () => {
    const page = await openProject(cm);
    await generateGhost(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.aa-ghost').count()).toBe(0);
    expect(await docText(page)).toBe(INITIAL);
    await page.close();
  });

  it('Ctrl+→ accepts one word per press, each its own transaction', async () => {
    const page = await openProject(cm, 'plain');
    const ghost = await generateGhost(page);
    const firstWord = /^\s*\S+/.exec(ghost)?.[0] ?? ghost;
    await page.keyboard.press('Control+ArrowRight');
    expect(await docText(page)).toBe(INITIAL + firstWord);
    if (firstWord !== ghost) {
      expect(await ghostText(page)).toBe(ghost.slice(firstWord.length));
      await page.keyboard.press('Escape');
    }
    await page.keyboard.press('Control+z');
    expect(await docText(page)).toBe(INITIAL);
    await page.close();
  });

  it('moving the caret dismisses', async () => {
    const page = await openProject(cm);
    await generateGhost(page);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.locator('.aa-ghost').count()).toBe(0);
    await page.keyboard.press('Tab'); // back to normal: Tab indents again instead of accepting
    // Only indentation was added: nothing of the ghost was inserted.
    expect((await docText(page)).replace(/\s/g, '')).toBe(INITIAL.replace(/\s/g, ''));
    await page.close();
  });
});

describe('Overleaf variants', () => {
  it('native path: UNSTABLE_editor:extensions gives an inline widget, Tab accepts, one undo', async () => {
    const page = await openProject('new', 'extensions');
    const ghost = await generateGhost(page);
    // The ghost is a decoration inside the editor content, still not in the document.
    expect(await page.evaluate(() => !!(window as any).__cm.contentDOM.querySelector('.aa-ghost'))).toBe(true);
    expect(await docText(page)).toBe(INITIAL);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });

  it('keyboard command (as relayed by the background) generates at the caret', async () => {
    const page = await openProject('new');
    await page.bringToFront();
    const reply = await h.evalInWorker(async () => {
      // Chrome sends the command to the active tab; every project page here has the same URL.
      const [tab] = await chrome.tabs.query({ active: true, url: 'https://www.overleaf.com/*' });
      return (globalThis as any).__aaTest.onCommand('generate-continuation', tab);
    });
    expect(reply).toEqual({ ok: true });
    // Busy from the request on; idle again only once the final completion is drawn.
    expect(await page.locator('[data-abstract-autocomplete-generate]').getAttribute('aria-busy')).toBe('true');
    await page.locator('[data-abstract-autocomplete-generate][aria-busy="false"]').waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-abstract-autocomplete="ghost"]').getAttribute('data-streaming')).toBe('false');
    const ghost = await ghostText(page);
    expect(ghost).toBeTruthy();
    expect(ghost).not.toBe('…');
    expect(await docText(page)).toBe(INITIAL);
    await page.close();
  });

  it('a page cannot start a generation by clicking the Generate button itself', async () => {
    const page = await openProject('new');
    await page.evaluate(() => (document.querySelector('[data-abstract-autocomplete-generate]') as HTMLButtonElement).click());
    // An accepted click turns the control busy at once and asks the MAIN side, whose "…" follows one message later.
    expect(await page.locator('[data-abstract-autocomplete-generate]').getAttribute('aria-busy')).toBe('false');
    await windowMessagesSettled(page);
    expect(await page.locator('.aa-ghost').count()).toBe(0);
    expect(await hasContentScript(h, page), 'the scripts are there: the click was refused, not missed').toBe(true);
    await page.close();
  });

  it('falls back to basic mode with one notice when no EditorView is reachable', async () => {
    const page = await openProject('new', 'fallback');
    const content = page.locator('.cm-content');
    await page.getByRole('button', GENERATE).click();
    const notice = page.getByText("couldn't reach Overleaf's editor");
    await notice.waitFor({ timeout: 10_000 });
    await expect.poll(async () => (await content.textContent())!.length, { timeout: 90_000 }).toBeGreaterThan(INITIAL.length);
    expect((await content.textContent())!.startsWith(INITIAL)).toBe(true);
    await page.locator('[data-abstract-autocomplete-generate][aria-busy="false"]').waitFor();
    // A second use inserts again but does not repeat the notice.
    await page.getByText("couldn't reach Overleaf's editor").waitFor({ state: 'detached', timeout: 20_000 });
    const afterFirst = (await content.textContent())!.length;
    await page.getByRole('button', GENERATE).click();
    // The notice would come before the second run's text.
    await expect.poll(async () => (await content.textContent())!.length, { timeout: 90_000 }).toBeGreaterThan(afterFirst);
    expect(await notice.count()).toBe(0);
    await page.close();
  });

});

describe('basic mode never writes over the user', () => {
  // The stream is paced (test build) so the user has time to act while the model works.
  beforeAll(() => setTestPace(h, 150));
  afterAll(() => setTestPace(h, 0));

  const status = (page: Page) => page.locator('[data-abstract-autocomplete-status]');
  const busy = (page: Page, value: boolean) =>
    page.locator(`[data-abstract-autocomplete-generate][aria-busy="${value}"]`).waitFor({ timeout: 90_000 });
  const selected = (page: Page) => page.evaluate(() => document.getSelection()!.toString());

  /** Clicks Generate and waits until basic mode is generating. */
  async function startBasic(page: Page): Promise<void> {
    await page.getByRole('button', GENERATE).click();
    await page.getByText("couldn't reach Overleaf's editor").waitFor({ timeout: 10_000 });
    await busy(page, true);
  }

  it('a selection made while it generates survives: nothing is inserted over it, and a message says so', async () => {
    const page = await openProject('new', 'fallback');
    await startBasic(page);
    await page.keyboard.press('Shift+Home');
    expect(await selected(page)).toBe(INITIAL);
    await busy(page, false);
    // Basic mode inserts only when the run has finished, and the message is its decision not to.
    await expect.poll(() => status(page).textContent()).toMatch(/you selected text; the completion was not inserted/);
    expect(await page.locator('.cm-content').textContent()).toBe(INITIAL);
    expect(await selected(page)).toBe(INITIAL);
    await page.close();
  });

  it('typing while it generates cancels it: only what the user typed is added', async () => {
    const page = await openProject('new', 'fallback');
    await startBasic(page);
    await page.keyboard.type('Z');
    await busy(page, false);
    await expect.poll(() => status(page).textContent()).toMatch(/you typed; the completion was not inserted/);
    expect(await page.locator('.cm-content').textContent()).toBe(`${INITIAL}Z`);
    await page.close();
  });

  it('a page that forces basic mode on a real CodeMirror (forged "no editor" replies) cannot make it write over a selection', async () => {
    const page = await openProject('new');
    // The page rewrites the MAIN world's context replies (it shares that world) into "no editor".
    await page.evaluate(() => {
      const post = window.postMessage.bind(window);
      window.postMessage = ((message: any, ...rest: any[]) => {
        if (message?.dir === 'to-isolated' && message.type === 'context') {
          const { mode: _mode, ...forged } = message;
          message = { ...forged, ok: false, text: '' };
        }
        return (post as any)(message, ...rest);
      }) as typeof window.postMessage;
    });
    await startBasic(page);
    await page.keyboard.press('Shift+Home');
    await busy(page, false);
    await expect.poll(() => status(page).textContent()).toMatch(/you selected text; the completion was not inserted/);
    expect(await docText(page)).toBe(INITIAL);
    expect(await page.evaluate(() => (window as any).__cm.state.sliceDoc((window as any).__cm.state.selection.main.from, (window as any).__cm.state.selection.main.to))).toBe(INITIAL);
    await page.close();
  });

  it('left alone, it still inserts the completion at the caret', async () => {
    const page = await openProject('new', 'fallback');
    await startBasic(page);
    await busy(page, false);
    const text = (await page.locator('.cm-content').textContent())!;
    expect(text.startsWith(INITIAL)).toBe(true);
    expect(text.length).toBeGreaterThan(INITIAL.length);
    await page.close();
  });

  it('no request left the machine', () => {
    h.assertNoExternalRequests();
  });
});
