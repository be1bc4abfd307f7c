/**
 * Firefox: suggestions as you type in a textarea, typed with the keyboard.
 * The same content scripts as in Chrome, with the engine in Firefox's
 * background page: a pause shows grey text without a click, the field's
 * value does not change until Tab accepts it, the switch off shows nothing.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_STATE_ATTR } from '../../lib/extension/editors/inline-marker';
import { DEFAULT_INLINE_SETTINGS, type InlineSettings } from '../../lib/suggest/inline-settings';
import { launchFirefox, waitFor, type FirefoxHarness } from './harness';

let h: FirefoxHarness;

beforeAll(async () => {
  h = await launchFirefox();
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

/** Writes the inline settings from an extension page, as the popup does (storage.sync `inlineSettings`). */
async function setInlineSettings(settings: Partial<InlineSettings>): Promise<void> {
  const popup = await h.openPopup();
  await popup.evaluate((v) => (globalThis as any).browser.storage.sync.set({ inlineSettings: v }), { ...DEFAULT_INLINE_SETTINGS, ...settings });
  await popup.close();
}

const state = (page: Page) => page.$eval('#abstract', (el, attr) => el.getAttribute(attr), INLINE_STATE_ATTR);
const value = (page: Page) => page.$eval('#abstract', (el) => (el as HTMLTextAreaElement).value);
const ghostText = (page: Page) =>
  page.evaluate(() => document.querySelector('abstract-autocomplete-ghost')?.shadowRoot?.querySelector('.aa-ghost-text')?.textContent ?? '');

describe('Firefox: suggestions as you type in a textarea', () => {
  it('a pause shows a ghost without a click; the value is unchanged until Tab inserts it', async () => {
    // The loosest cut, so a suggestion shows whatever the model thinks of this text.
    await setInlineSettings({ enabled: true, minConfidence: 0.05, pauseMs: 150 });
    const page = await h.openPage('textarea.html');
    await page.click('#abstract');
    await page.keyboard.type('In this paper, we propose');
    await waitFor(() => state(page), (s) => s === 'shown', 120_000, 'a shown suggestion');
    const ghost = await ghostText(page);
    expect(ghost.trim().length).toBeGreaterThan(0);
    expect(await value(page)).toBe('In this paper, we propose');
    await page.keyboard.press('Tab');
    await waitFor(() => value(page), (v) => v !== 'In this paper, we propose', 10_000, 'the accepted suggestion');
    expect(await value(page)).toBe(`In this paper, we propose${ghost}`);
    await page.close();
  });

  it('with the switch off nothing is suggested', async () => {
    await setInlineSettings({ enabled: false, minConfidence: 0.05, pauseMs: 150 });
    const page = await h.openPage('textarea.html');
    await page.click('#abstract');
    await page.keyboard.type('In this paper, we propose');
    await waitFor(() => state(page), (s) => s === 'off', 30_000, 'the scheduler saying off');
    expect(await ghostText(page)).toBe('');
    expect(await value(page)).toBe('In this paper, we propose');
    await page.close();
  });
});
