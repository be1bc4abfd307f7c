/**
 * Suggestions as you type in plain fields (a textarea and a contenteditable),
 * end to end with the built test extension and the real model, typed with
 * the keyboard as a person would. The ghost is an overlay: the field's value
 * never changes until a suggestion is accepted. Every wait is for a condition.
 *
 * Prerequisite: `npm run build:test`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, type Harness } from './harness';
import { INLINE_STATE_ATTR, inlineGhost, setInlineSettings, watchGhosts } from './inline-helpers';

let h: Harness;

beforeAll(async () => {
  h = await launch();
  await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
});

afterAll(async () => {
  h?.assertNoExternalRequests();
  await h?.close();
});

interface FieldKind {
  name: string;
  path: string;
  selector: string;
}

const KINDS: FieldKind[] = [
  { name: 'textarea', path: 'textarea.html', selector: '#abstract' },
  { name: 'contenteditable', path: 'contenteditable.html', selector: '#editor' },
];

const ghostLocator = (page: Page) => page.locator('abstract-autocomplete-ghost .aa-ghost-text');

describe.each(KINDS)('inline suggestions in a $name', ({ path, selector }) => {
  const value = (page: Page) =>
    page.locator(selector).evaluate((el) => (el instanceof HTMLTextAreaElement ? el.value : (el as HTMLElement).innerText.replace(/\n$/, '')).replace(/\u00a0/g, ' '));
  const state = (page: Page) => page.locator(selector).getAttribute(INLINE_STATE_ATTR);

  async function open(text = 'In this paper, we'): Promise<Page> {
    const page = await h.openPage(path);
    await page.locator(selector).click();
    await page.keyboard.type(text);
    return page;
  }

  it('a pause shows ghost text at the caret; the field is unchanged', async () => {
    const page = await open();
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    expect(await value(page)).toBe('In this paper, we propose');
    // The ghost starts where the caret is: right after the last typed character.
    const placement = await page.locator(selector).evaluate((el) => {
      const ghostEl = document.querySelector('abstract-autocomplete-ghost')!.shadowRoot!.querySelector('.aa-ghost-text')!;
      const g = ghostEl.getClientRects()[0]!;
      const field = el.getBoundingClientRect();
      return { inside: g.left >= field.left && g.top >= field.top - 2 && g.top <= field.bottom, left: g.left, fieldLeft: field.left };
    });
    expect(placement.inside).toBe(true);
    expect(placement.left).toBeGreaterThan(placement.fieldLeft + 20);
    expect(ghost.trim().length).toBeGreaterThan(0);
    await page.close();
  });

  it('the overlay follows the caret when the page scrolls and the window is resized', async () => {
    const page = await open();
    await page.evaluate(() => (document.body.style.minHeight = '3000px'));
    await page.keyboard.type(' propose');
    await inlineGhost(page);
    // Where the ghost starts relative to the field: it must stay there.
    const offset = () =>
      page.locator(selector).evaluate((el) => {
        const g = document.querySelector('abstract-autocomplete-ghost')!.shadowRoot!.querySelector('.aa-ghost-text')!.getClientRects()[0]!;
        const f = el.getBoundingClientRect();
        return { dx: Math.round(g.left - f.left), dy: Math.round(g.top - f.top), fieldTop: Math.round(f.top) };
      });
    const before = await offset();
    const box = (await page.locator('h1').boundingBox())!;
    await page.mouse.move(box.x + 5, box.y + 5);
    await page.mouse.wheel(0, 60);
    await expect.poll(async () => (await offset()).fieldTop).toBeLessThan(before.fieldTop);
    await expect.poll(async () => { const now = await offset(); return [now.dx, now.dy]; }).toEqual([before.dx, before.dy]);
    await page.setViewportSize({ width: 900, height: 500 });
    await expect.poll(async () => { const now = await offset(); return [now.dx, now.dy]; }).toEqual([before.dx, before.dy]);
    expect(await ghostLocator(page).count()).toBe(1);
    await page.close();
  });

  it('typing through the ghost consumes it and keeps the rest', async () => {
    const page = await open();
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    const seen = await watchGhosts(page, 'document.activeElement.value ?? document.activeElement.innerText');
    await page.keyboard.type(ghost.slice(0, 2));
    await expect.poll(() => ghostLocator(page).textContent()).toBe(ghost.slice(2));
    expect(await value(page)).toBe(`In this paper, we propose${ghost.slice(0, 2)}`);
    expect(await seen.gaps(), 'the ghost never left the screen').toBe(0);
    await page.close();
  });

  it('Alt+] cycles to a different candidate; Tab inserts it as one undo step', async () => {
    const page = await open();
    await page.keyboard.type(' propose');
    const first = await inlineGhost(page);
    const seen = await watchGhosts(page, 'document.activeElement.value ?? document.activeElement.innerText');
    await page.keyboard.press('Alt+BracketRight');
    await expect.poll(() => ghostLocator(page).textContent()).not.toBe(first);
    expect(await seen.gaps(), 'the ghost never left the screen while the alternatives loaded').toBe(0);
    const second = (await ghostLocator(page).textContent())!;
    await page.keyboard.press('Tab');
    expect(await value(page)).toBe(`In this paper, we propose${second}`);
    await page.keyboard.press('Control+z');
    expect(await value(page), 'one undo removes the whole suggestion').toBe('In this paper, we propose');
    await page.close();
  });

  it('Ctrl+→ accepts one word and keeps the rest shown; Esc dismisses and changes nothing', async () => {
    const page = await open();
    await page.keyboard.type(' propose');
    const ghost = await inlineGhost(page);
    const word = /^\s*\S+/.exec(ghost)![0];
    await page.keyboard.press('Control+ArrowRight');
    expect(await value(page)).toBe(`In this paper, we propose${word}`);
    if (word !== ghost) {
      await expect.poll(() => ghostLocator(page).textContent()).toBe(ghost.slice(word.length));
      await page.keyboard.press('Escape');
      await expect.poll(() => ghostLocator(page).count()).toBe(0);
      expect(await value(page)).toBe(`In this paper, we propose${word}`);
    }
    await page.close();
  });

  it('fast typing never shows a stale suggestion', async () => {
    await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 600 });
    try {
      const page = await open();
      const seen = await watchGhosts(page, 'document.activeElement.value ?? document.activeElement.innerText');
      const burst = ' propose a new method for the';
      await page.keyboard.type(burst, { delay: 15 });
      await inlineGhost(page);
      const shown = await seen.records();
      expect(shown.length).toBeGreaterThan(0);
      for (const record of shown) expect(record.doc.replace(/\n$/, '').replace(/\u00a0/g, ' ')).toBe(`In this paper, we${burst}`);
      await page.close();
    } finally {
      await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
    }
  });

  it('nothing mid-line or inside \\cite{; nothing with inline switched off', async () => {
    const page = await open('We build on prior work');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Alt+Backslash');
    await expect.poll(() => state(page)).toBe('mid-line');
    await page.keyboard.press('End');
    await page.keyboard.type(' \\cite{smi');
    await page.keyboard.press('Alt+Backslash');
    await expect.poll(() => state(page)).toBe('key-braces');
    expect(await ghostLocator(page).count()).toBe(0);
    await setInlineSettings(h, { enabled: false });
    try {
      await page.keyboard.type('th}, and');
      await expect.poll(() => state(page)).toBe('off');
      await page.keyboard.press('Alt+Backslash');
      expect(await ghostLocator(page).count()).toBe(0);
    } finally {
      await setInlineSettings(h, { enabled: true, minConfidence: 0.05, pauseMs: 150 });
    }
    await page.close();
  });
});
