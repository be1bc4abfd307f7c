/**
 * The generic Generate button, used as a person would, in Debian Chromium
 * with the built test extension (npm run build:test). The bundled model is
 * whatever is in public/models/abstract-gpt (the random-weight fixture
 * produces gibberish, which is fine: we check where text goes, not what it says).
 * No timing is asserted; waits only bound how long we wait for an event.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleRoute, launch, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await launch({ routes: [bundleRoute('/react-app.js', 'e2e/pages/react-app.tsx')] });
  await setSettings({ maxNewTokens: 24, stopAtSentenceEnd: false });
});

afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
});

/** Writes settings through the popup page, like a user. */
async function setSettings(values: { maxNewTokens?: number; stopAtSentenceEnd?: boolean }): Promise<void> {
  const popup = await h.openExtensionPage('popup.html');
  if (values.maxNewTokens !== undefined) {
    const input = popup.getByLabel('Max new tokens');
    await input.fill(String(values.maxNewTokens));
    await popup.getByText(/^Saved\./).waitFor({ timeout: 10_000 });
  }
  if (values.stopAtSentenceEnd !== undefined) {
    const box = popup.getByLabel('Stop at end of sentence');
    if ((await box.isChecked()) !== values.stopAtSentenceEnd) await box.click();
  }
  await popup.waitForTimeout(100);
  await popup.close();
}

function ui(scope: Page | Frame): Locator {
  return scope.locator('abstract-autocomplete-ui');
}
function generateButton(scope: Page | Frame): Locator {
  return scope.getByRole('button', { name: /Generate/ });
}

/** Waits until the button is back to idle after a run, and returns the run's token count. */
async function waitIdle(scope: Page | Frame): Promise<void> {
  await expect.poll(() => ui(scope).getAttribute('data-state'), { timeout: 60_000 }).toBe('idle');
}

async function waitForGrowth(read: () => Promise<string>, base: string): Promise<string> {
  await expect.poll(async () => (await read()).length, { timeout: 60_000 }).toBeGreaterThan(base.length);
  return read();
}

async function typeInto(page: Page, selector: string, text: string): Promise<Locator> {
  const field = page.locator(selector);
  await field.click();
  await page.keyboard.type(text);
  return field;
}

describe('generic Generate button', () => {
  it('textarea: text streams in after the user text, which stays intact', async () => {
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'We propose a new method');
    const button = generateButton(page);
    await expect.poll(() => button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-label')).toMatch(/Generate/);
    await button.click();
    await expect.poll(() => ui(page).getAttribute('data-last-tokens'), { timeout: 60_000 }).not.toBeNull();
    await waitIdle(page);
    const value = await field.inputValue();
    expect(value.startsWith('We propose a new method')).toBe(true);
    expect(value.length).toBeGreaterThan('We propose a new method'.length);
    // The button is beside the field, not over it.
    const f = (await field.boundingBox())!;
    const b = (await button.boundingBox())!;
    expect(b.y >= f.y + f.height || b.y + b.height <= f.y).toBe(true);
    await page.close();
  });

  it('a selection is never replaced: generation starts at its end', async () => {
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'Alpha beta gamma');
    await field.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 5));
    await generateButton(page).click();
    await waitForGrowth(() => field.inputValue(), 'Alpha beta gamma');
    await waitIdle(page);
    const value = await field.inputValue();
    expect(value.startsWith('Alpha')).toBe(true);
    expect(value.endsWith(' beta gamma')).toBe(true);
    await page.close();
  });

  it('empty field: says "Type some text first" and inserts nothing', async () => {
    const page = await h.openPage('textarea.html');
    await page.locator('#abstract').click();
    await generateButton(page).click();
    await expect.poll(() => ui(page).getAttribute('data-message')).toBe('Type some text first');
    expect(await page.locator('#abstract').inputValue()).toBe('');
    await page.close();
  });

  it('contenteditable: inserted as text after the user text', async () => {
    const page = await h.openPage('contenteditable.html');
    const editor = await typeInto(page, '#editor', 'Graph neural networks');
    await page.evaluate(() => {
      // A page script that would run if text were inserted as HTML.
      (window as unknown as { pwned: boolean }).pwned = false;
    });
    await generateButton(page).click();
    await waitForGrowth(() => editor.innerText(), 'Graph neural networks');
    await waitIdle(page);
    const text = await editor.innerText();
    expect(text.startsWith('Graph neural networks')).toBe(true);
    // Only text nodes / line breaks were added, never elements from model output.
    expect(await editor.locator('script, img, a, iframe').count()).toBe(0);
    await page.close();
  });

  it('React-controlled textarea: the app state sees the generated text', async () => {
    const page = await h.openPage('react.html');
    const field = await typeInto(page, '#abstract', 'Diffusion models');
    await generateButton(page).click();
    await waitForGrowth(() => field.inputValue(), 'Diffusion models');
    await waitIdle(page);
    const value = await field.inputValue();
    expect(await page.locator('#state').textContent()).toBe(value);
    // React re-rendering from state must not wipe the text either.
    await page.keyboard.type('!');
    expect(await page.locator('#state').textContent()).toBe(`${value}!`);
    await page.close();
  });

  it('textarea in a same-origin iframe', async () => {
    const page = await h.openPage('iframe.html');
    const frame = page.frameLocator('#frame');
    const field = frame.locator('#abstract');
    await field.click();
    await page.keyboard.type('Large language models');
    await frame.getByRole('button', { name: /Generate/ }).click();
    expect((await waitForGrowth(() => field.inputValue(), 'Large language models')).startsWith('Large language models')).toBe(true);
    await page.close();
  });

  it('textarea inside an open shadow root', async () => {
    const page = await h.openPage('shadow.html');
    const field = await typeInto(page, '#inner', 'Reinforcement learning');
    await generateButton(page).click();
    await waitForGrowth(() => field.inputValue(), 'Reinforcement learning');
    await waitIdle(page);
    expect((await field.inputValue()).startsWith('Reinforcement learning')).toBe(true);
    await page.close();
  });
});

describe('stopping', () => {
  // The fixture model finishes in about a second; the test build's pacing
  // (lib/extension/offscreen/paced-sink.ts) keeps the stream going long enough to stop it.
  const pace = (ms: number) => h.evalInWorker((v) => chrome.storage.local.set({ testPaceMs: v }), ms);
  beforeAll(async () => {
    await setSettings({ maxNewTokens: 200 });
    await pace(50);
  });
  afterAll(async () => {
    await pace(0);
    await setSettings({ maxNewTokens: 24 });
  });

  async function startLong(page: Page): Promise<{ field: Locator; base: string }> {
    const field = await typeInto(page, '#abstract', 'In this paper we');
    await generateButton(page).click();
    await expect.poll(() => ui(page).getAttribute('data-state')).toBe('generating');
    const stop = page.getByRole('button', { name: 'Stop generating' });
    expect(await stop.count()).toBe(1);
    await waitForGrowth(() => field.inputValue(), 'In this paper we');
    return { field, base: 'In this paper we' };
  }

  async function expectStopped(page: Page, field: Locator): Promise<void> {
    await waitIdle(page);
    const after = await field.inputValue();
    await page.waitForTimeout(400);
    expect(await field.inputValue()).toBe(after);
    expect(after.startsWith('In this paper we')).toBe(true);
  }

  it('Esc cancels; the text so far stays', async () => {
    const page = await h.openPage('textarea.html');
    const { field } = await startLong(page);
    await page.keyboard.press('Escape');
    await expectStopped(page, field);
    expect(await ui(page).getAttribute('data-last-stop-reason')).toBe('cancelled');
    await page.close();
  });

  it('a second click stops', async () => {
    const page = await h.openPage('textarea.html');
    const { field } = await startLong(page);
    await page.getByRole('button', { name: 'Stop generating' }).click();
    await expectStopped(page, field);
    await page.close();
  });

  it('typing cancels and the typed character lands where the user typed', async () => {
    const page = await h.openPage('textarea.html');
    const { field } = await startLong(page);
    await page.keyboard.type('X');
    await waitIdle(page);
    expect((await field.inputValue()).startsWith('In this paper we')).toBe(true);
    expect(await field.inputValue()).toContain('X');
    await page.close();
  });

  // The page's Port disconnects when the worker stops (protocol.ts ENGINE_PORT); e2e/faults.test.ts
  // holds the < 2 s bar for that.
  it('a killed service worker: text so far stays, a clear message, and the next Generate works', async () => {
    const page = await h.openPage('textarea.html');
    const { field } = await startLong(page);
    // A mark in the worker's globals tells the old worker from a restarted one.
    await h.evalInWorker(() => void ((globalThis as { aaE2eMark?: number }).aaE2eMark = 1));
    await h.stopServiceWorker();
    // The stream stops with the worker (nothing relays it any more)…
    const atStop = await field.inputValue();
    await waitIdle(page);
    expect(await ui(page).getAttribute('data-last-error')).toBe('interrupted');
    expect(await ui(page).getAttribute('data-message')).toBe(
      'Generation interrupted: the extension restarted. Click Generate to try again.',
    );
    expect(await page.getByRole('button', { name: 'Stop generating' }).count()).toBe(0);
    const kept = await field.inputValue();
    expect(kept.startsWith('In this paper we')).toBe(true);
    // …and nothing that was inserted is lost (at most deltas already in flight were added).
    expect(kept.startsWith(atStop)).toBe(true);
    // Next Generate starts a new worker and works.
    await field.click();
    await page.keyboard.press('Control+End');
    await generateButton(page).click();
    await waitForGrowth(() => field.inputValue(), kept);
    expect(await h.evalInWorker(() => (globalThis as { aaE2eMark?: number }).aaE2eMark ?? 'fresh')).toBe('fresh');
    await page.getByRole('button', { name: 'Stop generating' }).click();
    await waitIdle(page);
    expect((await field.inputValue()).startsWith(kept)).toBe(true);
    await page.close();
  });
});

describe('settings, context menu and shortcut', () => {
  it('max new tokens set in the popup is obeyed by the next completion', async () => {
    await setSettings({ maxNewTokens: 5 });
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'We study');
    await generateButton(page).click();
    await expect.poll(() => ui(page).getAttribute('data-last-tokens'), { timeout: 60_000 }).not.toBeNull();
    expect(Number(await ui(page).getAttribute('data-last-tokens'))).toBeLessThanOrEqual(5);
    expect((await field.inputValue()).startsWith('We study')).toBe(true);
    // The popup shows the saved value after reopening.
    const popup = await h.openExtensionPage('popup.html');
    await expect.poll(() => popup.getByLabel('Max new tokens').inputValue()).toBe('5');
    await popup.close();
    await setSettings({ maxNewTokens: 24 });
    await page.close();
  });

  async function tabIdOf(url: string): Promise<number> {
    return h.evalInWorker(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)!.id!, url);
  }

  it('right-click "Generate continuation" generates in the right-clicked field', async () => {
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'Contrastive learning');
    await field.click({ button: 'right' });
    const tabId = await tabIdOf(page.url());
    const reply = await h.evalInWorker(
      async ({ tabId, url }) => {
        const test = (globalThis as any).__aaTest;
        const tab = await chrome.tabs.get(tabId);
        return test.onContextMenuClicked({ menuItemId: test.CONTEXT_MENU_ID, editable: true, frameId: 0, pageUrl: url }, tab);
      },
      { tabId, url: page.url() },
    );
    expect(reply).toEqual({ ok: true });
    await waitForGrowth(() => field.inputValue(), 'Contrastive learning');
    await waitIdle(page);
    await page.close();
  });

  it('the context menu item exists for editable contexts', async () => {
    // contextMenus has no getter; recreating with the same id fails only if it exists.
    const error = await h.evalInWorker(
      () =>
        new Promise<string>((resolve) =>
          chrome.contextMenus.create({ id: 'aa-generate-continuation', title: 'x', contexts: ['editable'] }, () =>
            resolve(chrome.runtime.lastError?.message ?? ''),
          ),
        ),
    );
    expect(error).toMatch(/duplicate/i);
  });

  it('keyboard command generates in the focused field of the focused frame', async () => {
    const page = await h.openPage('iframe.html');
    const frame = page.frameLocator('#frame');
    const field = frame.locator('#abstract');
    await field.click();
    await page.keyboard.type('Vision transformers');
    const tabId = await tabIdOf(page.url());
    const reply = await h.evalInWorker(async (id) => {
      const tab = await chrome.tabs.get(id);
      return (globalThis as any).__aaTest.onCommand('generate-continuation', tab);
    }, tabId);
    expect(reply).toEqual({ ok: true });
    await waitForGrowth(() => field.inputValue(), 'Vision transformers');
    const commands = await h.evalInWorker(() => chrome.commands.getAll());
    expect(commands.find((c) => c.name === 'generate-continuation')?.shortcut).toMatch(/Alt\+Shift\+G/);
    await page.close();
  });

  it('popup shows the model status with the thread count and try-it streams', async () => {
    const popup = await h.openExtensionPage('popup.html');
    await expect.poll(() => popup.locator('.model-status').getAttribute('data-state'), { timeout: 60_000 }).toBe('ready');
    const threads = Number(await popup.locator('.model-status').getAttribute('data-threads'));
    console.log(`[e2e] ${await popup.locator('.model-status').textContent()}`);
    expect(threads).toBeGreaterThanOrEqual(1);
    await popup.getByRole('button', { name: 'Generate' }).click();
    await expect.poll(() => popup.getByTestId('try-it-output').getAttribute('data-tokens'), { timeout: 60_000 }).not.toBeNull();
    expect((await popup.locator('.generated').textContent())!.length).toBeGreaterThan(0);
    await popup.close();
  });
});
