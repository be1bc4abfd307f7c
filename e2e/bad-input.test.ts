/**
 * Bad input and vanished callers, as a person meets them: a huge field, and a
 * tab closed while its completion streams. Neither may lose the user's text or
 * leave the engine stuck for the next request.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickShadowButton, launch, setTestPace, type Harness } from './harness';

const UI_TAG = 'abstract-autocomplete-ui';
let h: Harness;

beforeAll(async () => {
  h = await launch();
  await h.evalInWorker(async () => {
    const { settings } = await chrome.storage.sync.get('settings');
    await chrome.storage.sync.set({ settings: { ...(settings ?? {}), maxNewTokens: 24, stopAtSentenceEnd: false } });
  });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const ui = (page: Page) => page.locator(UI_TAG);
const waitIdle = (page: Page) => expect.poll(() => ui(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('idle');

describe('bad input', () => {
  it('a huge field (1 MB of text): completes after the caret, every character the user wrote stays', async () => {
    const page = await h.openPage('textarea.html');
    const field = page.locator('#abstract');
    const sentence = 'We study the sample complexity of learning sparse linear models under adversarial noise. ';
    const huge = sentence.repeat(Math.ceil(1_000_000 / sentence.length));
    // Pasted as one edit, as a user would bring a whole document in.
    await field.click();
    await field.evaluate((el: HTMLTextAreaElement, text) => {
      el.value = text;
      el.setSelectionRange(text.length, text.length);
    }, huge);
    await clickShadowButton(page, UI_TAG, /^Generate/);
    await expect.poll(() => ui(page).getAttribute('data-last-tokens'), { timeout: 60_000 }).not.toBeNull();
    await waitIdle(page);
    const value = await field.inputValue();
    expect(value.slice(0, huge.length)).toBe(huge);
    expect(value.length).toBeGreaterThan(huge.length);
    await page.close();
  });

  it('a tab closed while its completion streams: the engine serves the next request', async () => {
    await setTestPace(h, 200);
    const first = await h.openPage('textarea.html');
    await first.locator('#abstract').click();
    await first.keyboard.type('In this paper we');
    await clickShadowButton(first, UI_TAG, /^Generate/);
    await expect.poll(() => first.locator('#abstract').inputValue(), { timeout: 60_000 }).not.toBe('In this paper we');
    await first.close();
    await setTestPace(h, 0);

    const second = await h.openPage('textarea.html');
    const field = second.locator('#abstract');
    await field.click();
    await second.keyboard.type('We propose a new method');
    await clickShadowButton(second, UI_TAG, /^Generate/);
    await expect.poll(() => ui(second).getAttribute('data-last-tokens'), { timeout: 30_000 }).not.toBeNull();
    await waitIdle(second);
    expect(await ui(second).getAttribute('data-last-error')).toBeNull();
    expect((await field.inputValue()).startsWith('We propose a new method')).toBe(true);
    await second.close();
  });

  it('garbage in storage (opt-in sites not a list, one bad pattern; settings of the wrong types): the popup still opens and shows the valid site', async () => {
    await h.evalInWorker(async () => {
      await chrome.storage.local.set({ optInSites: { not: 'a list' } });
    });
    let popup = await h.openExtensionPage('popup.html');
    await expect(popup.getByRole('heading', { name: 'Sites' }).isVisible()).resolves.toBe(true);
    await popup.close();

    const saved = await h.evalInWorker(async () => (await chrome.storage.sync.get('settings')).settings);
    await h.evalInWorker(async () => {
      await chrome.storage.local.set({ optInSites: [{ pattern: 'https://a.example/*', kind: 'generic' }, { pattern: '<all_urls>', kind: 'generic' }] });
      await chrome.storage.sync.set({ settings: { maxNewTokens: 'many', temperature: null, topK: -3 } });
    });
    popup = await h.openExtensionPage('popup.html');
    await expect.poll(() => popup.getByText('https://a.example/*').count()).toBe(1);
    expect(await popup.getByText('<all_urls>').count()).toBe(0);
    // Each bad setting shows its default, so the form stays usable.
    expect(Number(await popup.getByLabel('Max new tokens').inputValue())).toBeGreaterThan(0);
    await popup.close();
    await h.evalInWorker(async (settings) => {
      await chrome.storage.local.set({ optInSites: [] });
      await chrome.storage.sync.set({ settings });
    }, saved);
  });
});
