/**
 * The popup's inline-suggestion settings, driven from the keyboard as a
 * person would: Tab to each control (proving it is reachable, with a visible
 * focus ring), then Space, arrows, Home or typed digits. Each change must land
 * in storage.sync where the content scripts read it; an out-of-range value
 * must show its limit and leave storage as it was. The per-site switch is
 * used in the real action popup opened over a web page, so "this site" is
 * that page's origin.
 *
 * Prerequisite: `npm run build:test`.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INLINE_SETTINGS, INLINE_LIMITS } from '../lib/suggest/inline-settings';
import { openActionPopup } from './action-popup';
import { launch, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await launch();
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const storedInline = (): Promise<Record<string, any> | undefined> =>
  h.evalInWorker(async () => (await chrome.storage.sync.get('inlineSettings')).inlineSettings as Record<string, any> | undefined);

/** Presses Tab until `target` has the focus (at most `limit` times) and checks the focus ring is drawn. */
async function tabTo(page: Page, target: Locator, limit = 60): Promise<void> {
  const handle = await target.elementHandle();
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((el) => document.activeElement === el, handle)) {
      const outline = await target.evaluate((el) => getComputedStyle(el).outlineStyle);
      expect(outline, 'a visible focus ring').not.toBe('none');
      return;
    }
  }
  throw new Error(`not reachable with Tab: ${target}`);
}

describe('popup: inline suggestion settings from the keyboard', () => {
  it('switch, slider and typed value land in storage; an out-of-range value names its limit and is not saved', async () => {
    const popup = await h.openExtensionPage('popup.html');
    await popup.getByRole('heading', { name: 'Inline suggestions' }).waitFor();

    // The global switch, with Space.
    const enabled = popup.getByRole('switch', { name: 'Suggest as I type' });
    expect(await enabled.isChecked()).toBe(DEFAULT_INLINE_SETTINGS.enabled);
    await tabTo(popup, enabled);
    await popup.keyboard.press('Space');
    await expect.poll(async () => (await storedInline())?.enabled).toBe(!DEFAULT_INLINE_SETTINGS.enabled);

    // The pause slider, one step right with the arrow key.
    const pause = popup.getByRole('slider', { name: 'Pause before suggesting' });
    const before = Number(await pause.getAttribute('aria-valuenow'));
    await tabTo(popup, pause);
    await popup.keyboard.press('ArrowRight');
    await expect.poll(async () => (await storedInline())?.pauseMs).toBe(before + 10);
    expect(await popup.getByRole('spinbutton', { name: 'Pause in milliseconds' }).inputValue()).toBe(String(before + 10));

    // How eager: Home is the most cautious end (the slider is inverted: right is eager).
    const eager = popup.getByRole('slider', { name: 'How eager' });
    await tabTo(popup, eager);
    await popup.keyboard.press('Home');
    await expect.poll(async () => (await storedInline())?.minConfidence).toBe(INLINE_LIMITS.minConfidence.min);
    const least = `at least ${Math.round(INLINE_LIMITS.minConfidence.min * 100)}% sure`;
    expect(await eager.getAttribute('aria-valuetext')).toMatch(new RegExp(`^(Eager|Balanced|Cautious): ${least}$`));
    expect(await popup.locator('.eager').textContent()).toContain(least);

    // Out of range: the limit is shown and nothing is saved.
    const pauseBox = popup.getByRole('spinbutton', { name: 'Pause in milliseconds' });
    await tabTo(popup, pauseBox);
    await popup.keyboard.press('ControlOrMeta+a');
    // One past the maximum, typed digit by digit: all but the last digit make a valid value.
    const tooLong = String(INLINE_LIMITS.pauseMs.max + 1);
    const lastValid = Number(tooLong.slice(0, -1));
    await popup.keyboard.type(tooLong);
    const alert = popup.locator('#inline-pauseMs-error');
    await expect.poll(() => alert.textContent()).toBe(`Pause before suggesting must be a whole number from ${INLINE_LIMITS.pauseMs.min} to ${INLINE_LIMITS.pauseMs.max} ms.`);
    expect(await pauseBox.getAttribute('aria-invalid')).toBe('true');

    // Words, typed into the number field. Every save writes the whole object, so once this one
    // lands, the pause stored with it shows what the popup held: the last valid value typed on
    // the way (2001 passes 2, 20 and 200), not the one out of range.
    const words = popup.getByRole('spinbutton', { name: 'Number of words' });
    await tabTo(popup, words);
    await popup.keyboard.press('ControlOrMeta+a');
    await popup.keyboard.type('9');
    await expect.poll(async () => (await storedInline())?.maxWords).toBe(9);
    expect((await storedInline())?.pauseMs).toBe(lastValid);
    expect(await alert.textContent(), 'the message stays until the value is fixed').toContain(`to ${INLINE_LIMITS.pauseMs.max} ms`);

    // The help button shows its text from the keyboard.
    const help = popup.locator('#inline-pauseMs-help');
    expect(await help.isVisible()).toBe(false);
    await tabTo(popup, popup.locator('.field', { has: pauseBox }).getByRole('button', { name: 'Help' }));
    await popup.keyboard.press('Enter');
    expect(await help.isVisible()).toBe(true);
    expect(await help.textContent()).toMatch(/stop typing/);

    // Reopened, the popup shows what was stored.
    await popup.close();
    const again = await h.openExtensionPage('popup.html');
    await expect.poll(() => again.getByRole('spinbutton', { name: 'Number of words' }).inputValue()).toBe('9');
    expect(await again.getByRole('switch', { name: 'Suggest as I type' }).isChecked()).toBe(!DEFAULT_INLINE_SETTINGS.enabled);
    await again.close();
  });

  it('the per-site switch in the action popup writes an override for the tab\'s origin', async () => {
    const page = await h.openPage('textarea.html');
    const origin = new URL(page.url()).origin;
    const popup = await openActionPopup(h, page);
    const stored = () => popup.eval<Record<string, any> | undefined>(`chrome.storage.sync.get('inlineSettings').then((r) => r.inlineSettings)`);
    const label = (sel: string) => popup.eval<string>(`document.querySelector('label[for=${sel}]')?.textContent ?? ''`);
    await expect.poll(() => label('inline-site'), { timeout: 10_000 }).toBe(`On ${new URL(origin).host}`);
    const globalOn = (await stored())?.enabled ?? true;
    const checked = () => popup.eval<boolean>(`document.querySelector('#inline-site').checked`);
    expect(await checked()).toBe(globalOn);

    await popup.tabTo('#inline-site');
    expect(await popup.eval(`getComputedStyle(document.activeElement).outlineStyle`), 'a visible focus ring').not.toBe('none');
    await popup.press('Space');
    await expect.poll(async () => (await stored())?.sites?.[origin]).toBe(!globalOn);
    expect(await checked()).toBe(!globalOn);
    expect(await popup.eval(`document.querySelector('#inline-site-state').textContent`)).toMatch(/^Set for this site\./);

    // And back to following the global switch.
    await popup.tabTo('#inline-site-state button');
    await popup.press('Enter');
    await expect.poll(async () => Object.keys((await stored())?.sites ?? {})).toEqual([]);
    expect(await checked()).toBe(globalOn);
    await page.close();
  });

  it('garbage inline settings in storage: the popup opens with the good fields kept and the rest at their defaults', async () => {
    await h.evalInWorker(() => chrome.storage.sync.set({ inlineSettings: { enabled: 'yes', pauseMs: 'soon', maxWords: 99, minConfidence: 0.3, sites: 7 } }));
    const popup = await h.openExtensionPage('popup.html');
    await expect.poll(() => popup.getByRole('spinbutton', { name: 'Least sureness in per cent' }).inputValue()).toBe('30');
    expect(await popup.getByRole('spinbutton', { name: 'Pause in milliseconds' }).inputValue()).toBe(String(DEFAULT_INLINE_SETTINGS.pauseMs));
    expect(await popup.getByRole('spinbutton', { name: 'Number of words' }).inputValue()).toBe(String(DEFAULT_INLINE_SETTINGS.maxWords));
    expect(await popup.getByRole('switch', { name: 'Suggest as I type' }).isChecked()).toBe(DEFAULT_INLINE_SETTINGS.enabled);
    expect(await popup.getByRole('alert').count(), 'nothing flagged: the bad fields were dropped, not shown').toBe(0);
    await popup.close();
  });
});
