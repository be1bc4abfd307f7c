/**
 * What a person does with a CodeMirror 6 editor in the Firefox e2e tests
 * (puppeteer-core), and what must follow: the Firefox counterpart of the
 * playwright helpers in e2e/codemirror-pages.ts.
 */
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { waitFor } from './harness';

export const GENERATE_BUTTON = '[data-abstract-autocomplete-generate]';

/** Control+key as separate key events (puppeteer's BiDi keyboard has no chord syntax). */
export async function withControl(page: Page, key: 'z' | 'End'): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press(key);
  await page.keyboard.up('Control');
}

/** Clicks into the editor matched by `scope` (a CSS selector; '' = the page's only one) and puts the caret at the end. */
export async function focusEnd(page: Page, scope = ''): Promise<void> {
  await page.click(`${scope} .cm-content`);
  await withControl(page, 'End');
}

/** Waits until the ghost under `scope` holds the final completion (not still streaming); returns its text. */
export async function finalGhost(page: Page, scope = ''): Promise<string> {
  const streaming = () => page.evaluate((s) => document.querySelector(s)?.getAttribute('data-streaming') ?? null, `${scope} [data-abstract-autocomplete="ghost"]`);
  await waitFor(streaming, (v) => v === 'false', 120_000, 'a finished ghost');
  const ghost = (await page.$eval(`${scope} .aa-ghost-text`, (el) => el.textContent)) ?? '';
  expect(ghost.length, 'a completion is shown as ghost text').toBeGreaterThan(0);
  expect(ghost).not.toBe('…');
  return ghost;
}

/** Tab inserts the ghost; typing right after is its own undo step; one more Ctrl+Z removes the whole completion and nothing else. */
export async function expectTabIsOneUndoStep(page: Page, readDoc: () => Promise<string>, before: string, ghost: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await readDoc()).toBe(before + ghost);
  await waitFor(() => page.evaluate(() => document.querySelectorAll('.aa-ghost').length), (n) => n === 0, 5_000, 'ghost gone');
  await page.keyboard.type('Q');
  expect(await readDoc()).toBe(before + ghost + 'Q');
  await withControl(page, 'z');
  expect(await readDoc()).toBe(before + ghost);
  await withControl(page, 'z');
  expect(await readDoc(), 'one undo removes the whole completion and nothing else').toBe(before);
}
