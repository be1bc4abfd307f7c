/**
 * Valid LaTeX out, end to end: on the Overleaf-like page (served as
 * https://www.overleaf.com, a LaTeX editor), neither a Generate run nor an
 * accepted inline suggestion puts a bare %, & or # into the document or leaves
 * inline math open; inside `$…$` a `_` stays as written; a plain textarea
 * gets the text as written. The model may not write a % on demand, so the
 * engine's output is scripted with the test build's storage.session
 * `testOutput` (offscreen/test-faults.ts): everything else, the Port, the
 * relay, the content scripts, the ghost and the accept, is the real path.
 * Waits are for what a user sees (a ghost, the button's state).
 *
 * Prerequisite: `npm run build:test`.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickShadowButton, launch, type Harness } from './harness';
import { inlineGhost, setInlineSettings, watchGhosts } from './inline-helpers';
import { docText, openProject } from './overleaf-page';
import { overleafLaunchOptions, startOverleafServer, type OverleafServer } from './overleaf-server';

let server: OverleafServer;
let h: Harness;

beforeAll(async () => {
  server = await startOverleafServer();
  h = await launch(overleafLaunchOptions(server));
});

afterEach(() => say(null));

afterAll(async () => {
  h?.assertNoExternalRequests();
  await h?.close();
  await server?.close();
});

/** What the engine writes next, instead of the model (null: the model again). */
const say = (text: string | null) =>
  h.evalInWorker((t) => (t ? chrome.storage.session.set({ testOutput: t }) : chrome.storage.session.remove('testOutput')), text ?? '');

/**
 * What would break the document, read independently of the extension's own
 * code: a `%`, `&` or `#` not preceded by an odd run of backslashes, an
 * unescaped `$` left open (an odd count), or unbalanced braces.
 */
function latexProblems(doc: string): string[] {
  const problems: string[] = [];
  for (const m of doc.matchAll(/(\\*)([%&#])/g)) if (m[1]!.length % 2 === 0) problems.push(`bare ${m[2]} at ${m.index! + m[1]!.length}`);
  const unescaped = (ch: string) => [...doc.matchAll(new RegExp(`(\\\\*)\\${ch}`, 'g'))].filter((m) => m[1]!.length % 2 === 0).length;
  if (unescaped('$') % 2 !== 0) problems.push('inline math left open');
  if (unescaped('{') !== unescaped('}')) problems.push('unbalanced braces');
  return problems;
}

const busy = (page: Page, value: boolean) => page.locator(`[data-abstract-autocomplete-generate][aria-busy="${value}"]`).waitFor({ timeout: 90_000 });

/** Clicks Generate, waits for the final ghost and accepts it with Tab; returns the document. */
async function generateAndAccept(page: Page): Promise<string> {
  await page.getByRole('button', { name: /Generate/ }).click();
  await busy(page, false);
  await page.locator('[data-abstract-autocomplete="ghost"][data-streaming="false"]').waitFor({ timeout: 30_000 });
  await page.keyboard.press('Tab');
  await expect.poll(() => page.locator('.aa-ghost').count()).toBe(0);
  return docText(page);
}

/** Types a space after `text`, lets the engine suggest `output`, accepts the ghost with Tab; returns the ghost shown and the document. */
async function suggestAndAccept(text: string, output: string): Promise<{ ghost: string; doc: string }> {
  await setInlineSettings(h, { enabled: true, pauseMs: 150 });
  await say(output);
  const page = await openProject(h, server, { text });
  await page.keyboard.type(' ');
  const ghost = await inlineGhost(page);
  await page.keyboard.press('Tab');
  await expect.poll(() => page.locator('.aa-ghost').count()).toBe(0);
  const doc = await docText(page);
  await page.close();
  return { ghost, doc };
}

describe('LaTeX editor (Overleaf-like page): what the extension inserts is valid LaTeX', () => {
  it('Generate: %, & and # come escaped, a run that ends inside $… is cut back, and no streamed ghost was ever unsafe', async () => {
    const before = 'Our method improves accuracy by up to';
    await say(' 10% over the baseline & 5# more, reaching an $\\mathrm{F}_1$ of 81.3% and $\\mathrm');
    const page = await openProject(h, server, { text: before });
    const seen = await watchGhosts(page);
    const doc = await generateAndAccept(page);
    expect(doc).toBe(`${before} 10\\% over the baseline \\& 5\\# more, reaching an $\\mathrm{F}_1$ of 81.3\\% and `);
    expect(latexProblems(doc)).toEqual([]);
    const ghosts = (await seen.records()).map((r) => r.ghost);
    expect(ghosts.length, 'the run streamed').toBeGreaterThan(1);
    for (const ghost of ghosts) expect(latexProblems(before + ghost), ghost).toEqual([]);
    await page.close();
  });

  it('Generate on the native path (Overleaf\'s own CodeMirror): the same', async () => {
    const before = 'Compared with prior work, we obtain an F1 of';
    await say(' 92.4% (+3.1%) on R&D, see \\cite{smith_2020} and $x_');
    const page = await openProject(h, server, { text: before, variant: 'extensions' });
    const doc = await generateAndAccept(page);
    expect(doc).toBe(`${before} 92.4\\% (+3.1\\%) on R\\&D, see \\cite{smith_2020} and `);
    expect(latexProblems(doc)).toEqual([]);
    await page.close();
  });

  it('an accepted inline suggestion: % escaped, open math cut back', async () => {
    const { ghost, doc } = await suggestAndAccept('This improves accuracy by up to', '10% over the baseline, and $\\alpha');
    expect(ghost).toBe('10\\% over the baseline, and ');
    expect(doc).toBe('This improves accuracy by up to 10\\% over the baseline, and ');
    expect(latexProblems(doc)).toEqual([]);
  });

  it('the caret inside $…$: _ stays as written, the model closes the math, and text after it is escaped', async () => {
    const { ghost, doc } = await suggestAndAccept('The loss is $\\mathcal{L} =', 'w_1 + w_2$ for 10% of');
    expect(ghost).toBe('w_1 + w_2$ for 10\\% of');
    expect(doc).toBe('The loss is $\\mathcal{L} = w_1 + w_2$ for 10\\% of');
    expect(latexProblems(doc)).toEqual([]);
  });

  it('a plain textarea keeps the text as written', async () => {
    await say(' 10% & #1');
    const page = await h.openPage('textarea.html');
    const field = page.locator('#abstract');
    await field.click();
    await page.keyboard.type('It gains');
    await clickShadowButton(page, 'abstract-autocomplete-ui', /^Generate/);
    await expect.poll(() => field.inputValue(), { timeout: 60_000 }).toBe('It gains 10% & #1');
    await page.close();
  });
});
