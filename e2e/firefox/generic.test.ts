/**
 * Firefox (firefox-esr + the Firefox test build): the engine runs in the
 * background event page, single-threaded; content scripts, popup and
 * protocol are the same code as in Chrome. We check where text goes, not
 * what it says (the bundled model may be the random-weight fixture). No
 * timing is asserted; waits only bound how long we wait for an event.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchFirefox, waitFor, type FirefoxHarness } from './harness';

let h: FirefoxHarness;

beforeAll(async () => {
  h = await launchFirefox();
  await setMaxNewTokens(24);
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

const UI = 'abstract-autocomplete-ui';
const uiAttr = (page: Page, name: string) => page.evaluate((tag, n) => document.querySelector(tag)?.getAttribute(n) ?? null, UI, name);

/** Sets "Max new tokens" in the popup page, as a user would type it. */
async function setMaxNewTokens(n: number): Promise<void> {
  const popup = await h.openPopup();
  const input = await popup.waitForSelector('input[name="maxNewTokens"]', { timeout: 30_000 });
  await input!.click({ count: 3 });
  await popup.keyboard.press('Backspace');
  await input!.type(String(n));
  await waitFor(() => popup.evaluate(() => document.body.innerText), (t) => /Saved\./.test(t), 10_000, '"Saved."');
  await popup.close();
}

async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.click(selector);
  await page.keyboard.type(text);
}

/** The Generate button is in a closed shadow root; it is next in the Tab order, and Enter is a trusted click. */
async function generateByKeyboard(page: Page): Promise<void> {
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
}

const fieldValue = (page: Page) => page.$eval('#abstract', (el) => (el as HTMLTextAreaElement).value);

describe('Firefox: the network guard', () => {
  it('sees a request that would leave the machine (so its silence elsewhere means something)', async () => {
    const page = await h.openPage('textarea.html');
    await page.evaluate(() => fetch('http://example.com/canary', { mode: 'no-cors' }).catch(() => undefined));
    await waitFor(async () => h.externalRequests.join(), (seen) => seen.includes('example.com/canary'), 10_000, 'the canary request');
    h.externalRequests.length = 0;
    await page.close();
  });
});

describe('Firefox: generic Generate button', () => {
  it('textarea: the bundled model streams text after the user text, which stays intact', async () => {
    const page = await h.openPage('textarea.html');
    await typeInto(page, '#abstract', 'We propose a new method');
    await generateByKeyboard(page);
    await waitFor(() => uiAttr(page, 'data-last-tokens'), (v) => v !== null, 120_000, 'a finished completion');
    await waitFor(() => uiAttr(page, 'data-state'), (v) => v === 'idle', 60_000, 'idle button');
    const value = await fieldValue(page);
    expect(value.startsWith('We propose a new method')).toBe(true);
    expect(value.length).toBeGreaterThan('We propose a new method'.length);
    await page.close();
  });

  it('max new tokens set in the popup is obeyed by the next completion', async () => {
    await setMaxNewTokens(5);
    const page = await h.openPage('textarea.html');
    await typeInto(page, '#abstract', 'We study');
    await generateByKeyboard(page);
    const tokens = await waitFor(() => uiAttr(page, 'data-last-tokens'), (v) => v !== null, 120_000, 'a finished completion');
    expect(Number(tokens)).toBeGreaterThan(0);
    expect(Number(tokens)).toBeLessThanOrEqual(5);
    expect((await fieldValue(page)).startsWith('We study')).toBe(true);
    await setMaxNewTokens(24);
    await page.close();
  });

  it('popup: the engine runs in the background page, one thread, not cross-origin isolated', async () => {
    const popup = await h.openPopup();
    const state = () => popup.$eval('.model-status', (el) => ({ state: el.getAttribute('data-state'), threads: el.getAttribute('data-threads'), text: el.textContent }));
    const status = await waitFor(state, (s) => s.state === 'ready', 120_000, 'model ready');
    console.log(`[e2e firefox] ${status.text}`);
    expect(status.threads).toBe('1');
    expect(await popup.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    await popup.close();
  });
});

describe('Firefox: a crashing engine (test build: storage.session testFault)', () => {
  /** storage.session is open to extension pages only, so the fault is set from the popup page. */
  async function setFault(fault: 'crash' | undefined): Promise<void> {
    const popup = await h.openPopup();
    await popup.evaluate((f) => (f ? chrome.storage.session.set({ testFault: f }) : chrome.storage.session.remove('testFault')), fault ?? '');
    await popup.close();
  }
  afterAll(() => setFault(undefined));

  /** One Generate in a fresh page (so no earlier run's outcome is on its button): what the field and the button say after. */
  async function generateOnce(text: string) {
    const page = await h.openPage('textarea.html');
    await typeInto(page, '#abstract', text);
    await generateByKeyboard(page);
    await waitFor(async () => (await uiAttr(page, 'data-last-tokens')) ?? (await uiAttr(page, 'data-last-error')), (v) => v !== null, 120_000, 'the end of the run');
    await waitFor(() => uiAttr(page, 'data-state'), (v) => v === 'idle', 60_000, 'idle button');
    const outcome = { value: await fieldValue(page), error: await uiAttr(page, 'data-last-error'), message: await uiAttr(page, 'data-message') };
    await page.close();
    return outcome;
  }

  it('each crash is reported and loses no text; after two in a row (the engine is replaced: unit engine-host.firefox.test.ts) the next Generate works', async () => {
    // Load the model first, so the crashes below are in generation.
    expect((await generateOnce('We study')).error).toBeNull();

    await setFault('crash');
    for (const text of ['We propose', 'In this paper']) {
      const crashed = await generateOnce(text);
      expect(crashed.error).toBe('engine-failed');
      expect(crashed.message).toMatch(/^The model failed: RuntimeError: memory access out of bounds/);
      expect(crashed.value, 'a failed run changes nothing').toBe(text);
    }

    await setFault(undefined);
    const after = await generateOnce('Our results show');
    expect(after.error).toBeNull();
    expect(after.value.startsWith('Our results show')).toBe(true);
    expect(after.value.length).toBeGreaterThan('Our results show'.length);
  });
});
