/**
 * Firefox: bring your own model. A person sets up a model server in the popup
 * (address, Test connection, the model picked from the server's list), types
 * in a textarea and accepts with Tab a suggestion that came from that server
 * (a local fake of llama.cpp's server, tests/fakes). Ollama, which refuses
 * extension origins by default: either the Origin rewrite makes it work, or
 * the popup shows the exact OLLAMA_ORIGINS fix, naming this add-on's origin.
 *
 * Prerequisite: `npm run build:test:firefox`.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_STATE_ATTR } from '../../lib/extension/editors/inline-marker';
import { DEFAULT_INLINE_SETTINGS } from '../../lib/suggest/inline-settings';
import { FAKE_MODELS, startFake, type Fake, type FakeKind } from '../../tests/fakes/fake-server';
import { EXTENSION_ORIGIN, launchFirefox, waitFor, type FirefoxHarness } from './harness';

let h: FirefoxHarness;
const fakes: Fake[] = [];

beforeAll(async () => {
  h = await launchFirefox();
  const popup = await h.openPopup();
  await popup.evaluate((v) => (globalThis as any).browser.storage.sync.set({ inlineSettings: v }), { ...DEFAULT_INLINE_SETTINGS, pauseMs: 150 });
  await popup.close();
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
  for (const fake of fakes) await fake.close();
});

const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el as HTMLElement).innerText).catch(() => '');

/** The popup: a model server of `kind` at `url`, tested; returns the popup and the line the test printed. */
async function configure(kind: FakeKind, url: string): Promise<{ popup: Page; result: string }> {
  const popup = await h.openPopup();
  // the form's controls stay disabled until the stored choice is read (aria-busy), as a person sees them
  await waitFor(() => popup.$eval('.model-source', (el) => el.getAttribute('aria-busy')).catch(() => null), (v) => v === 'false', 10_000, 'the stored settings');
  await popup.evaluate(() => (document.querySelectorAll('input[name="model-use"]')[1] as HTMLInputElement).click());
  await waitFor(() => popup.$('#server-url'), (el) => el !== null, 10_000, 'the server fields');
  await popup.select('#server-kind', kind);
  await popup.click('#server-url', { count: 3 });
  await popup.keyboard.type(url);
  await popup.click('.model-source .row button');
  const result = await waitFor(() => text(popup, '.model-source [data-ok]'), (t) => t !== '', 30_000, 'the connection test');
  return { popup, result };
}

describe('Firefox: a model server set up in the popup', () => {
  it('llama.cpp server: test connection, pick the model, and Tab accepts the server suggestion in a textarea', async () => {
    const fake = await startFake('llama.cpp');
    fakes.push(fake);
    const { popup, result } = await configure('llama.cpp', fake.url);
    expect(result).toMatch(/Reached http:\/\/127\.0\.0\.1:\d+: 1 model/);
    await popup.select('#server-model', FAKE_MODELS['llama.cpp']);
    await waitFor(() => text(popup, '.model-source [data-ok]'), (t) => / answered in \d+ ms/.test(t), 30_000, 'the timed completion');
    expect(await text(popup, '.privacy')).toContain(`goes to ${fake.origin}`);
    await popup.close();

    const page = await h.openPage('textarea.html');
    await page.click('#abstract');
    await page.keyboard.type('We propose a');
    await waitFor(() => page.$eval('#abstract', (el, attr) => el.getAttribute(attr), INLINE_STATE_ATTR), (s) => s === 'shown', 60_000, 'a shown suggestion');
    await page.keyboard.press('Tab');
    const value = await waitFor(() => page.$eval('#abstract', (el) => (el as HTMLTextAreaElement).value), (v) => v !== 'We propose a', 10_000, 'the accepted suggestion');
    expect(value).toBe('We propose a novel method for ');
    expect(fake.requests.some((r) => (r.path === '/completion' || r.path === '/infill') && String(r.body?.prompt ?? r.body?.input_prefix ?? '').endsWith('We propose a'))).toBe(true);
    await page.close();
  });

  it('Ollama with its default origins: it works through the Origin rewrite, or the popup names the exact OLLAMA_ORIGINS fix', async () => {
    const fake = await startFake('ollama');
    fakes.push(fake);
    const { popup, result } = await configure('ollama', fake.url);
    if (/Reached/.test(result)) {
      expect(fake.requests.at(-1)?.headers.origin).toBe(fake.origin);
    } else {
      expect(result).toContain('OLLAMA_ORIGINS');
      expect(result).toContain(EXTENSION_ORIGIN);
    }
    console.log(`[firefox ollama] ${result}`);
    await popup.close();
  });
});
