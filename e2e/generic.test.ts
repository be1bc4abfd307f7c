/**
 * The generic Generate button, used as a person would, in Debian Chromium
 * with the built test extension (npm run build:test). The bundled model is
 * whatever is in public/models/abstract-gpt (the random-weight fixture
 * produces gibberish, which is fine: we check where text goes, not what it says).
 * No timing is asserted; waits only bound how long we wait for an event.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleRoute, clickShadowButton, generatePortsOpened, launch, setTestPace, shadowButtonBox, type Harness } from './harness';

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
    // Closing the popup before the save lands would lose it: wait until storage holds it.
    const stored = () =>
      h.evalInWorker(async () => ((await chrome.storage.sync.get('settings')).settings as { sampling?: { stopAtSentenceEnd?: boolean } } | undefined)?.sampling?.stopAtSentenceEnd);
    // (a loop, not expect.poll: this also runs in beforeAll, where vitest has no test to poll in)
    const until = Date.now() + 10_000;
    while ((await stored()) !== values.stopAtSentenceEnd) {
      if (Date.now() > until) throw new Error(`the popup did not save stopAtSentenceEnd=${values.stopAtSentenceEnd} within 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await popup.close();
}

const UI_TAG = 'abstract-autocomplete-ui';
function ui(scope: Page | Frame): Locator {
  return scope.locator(UI_TAG);
}
// The button lives in a closed shadow root: found through DevTools, clicked with the mouse.
const clickGenerate = (page: Page) => clickShadowButton(page, UI_TAG, /^Generate/);
const clickStop = (page: Page) => clickShadowButton(page, UI_TAG, /^Stop generating/);
const stopButtonShown = async (page: Page) => (await shadowButtonBox(page, UI_TAG, /^Stop generating/)) !== null;

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

/** Opens iframe.html and types into the textarea of its same-origin iframe. */
async function typeInIframe(text: string): Promise<{ page: Page; field: Locator }> {
  const page = await h.openPage('iframe.html');
  const field = page.frameLocator('#frame').locator('#abstract');
  await field.click();
  await page.keyboard.type(text);
  return { page, field };
}

describe('generic Generate button', () => {
  it('textarea: text streams in after the user text, which stays intact', async () => {
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'We propose a new method');
    const b = await clickGenerate(page);
    await expect.poll(() => ui(page).getAttribute('data-last-tokens'), { timeout: 60_000 }).not.toBeNull();
    await waitIdle(page);
    const value = await field.inputValue();
    expect(value.startsWith('We propose a new method')).toBe(true);
    expect(value.length).toBeGreaterThan('We propose a new method'.length);
    // The button is beside the field, not over it.
    const f = (await field.boundingBox())!;
    expect(b.y >= f.y + f.height || b.y + b.height <= f.y).toBe(true);
    await page.close();
  });

  it('a selection is never replaced: generation starts at its end', async () => {
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'Alpha beta gamma');
    await field.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(0, 5));
    await clickGenerate(page);
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
    await clickGenerate(page);
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
    await clickGenerate(page);
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
    await clickGenerate(page);
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
    const { page, field } = await typeInIframe('Large language models');
    await clickGenerate(page);
    expect((await waitForGrowth(() => field.inputValue(), 'Large language models')).startsWith('Large language models')).toBe(true);
    await page.close();
  });

  it('textarea inside an open shadow root', async () => {
    const page = await h.openPage('shadow.html');
    const field = await typeInto(page, '#inner', 'Reinforcement learning');
    await clickGenerate(page);
    await waitForGrowth(() => field.inputValue(), 'Reinforcement learning');
    await waitIdle(page);
    expect((await field.inputValue()).startsWith('Reinforcement learning')).toBe(true);
    await page.close();
  });
});

describe('page scripts cannot press the button', () => {
  it('synthetic clicks in every frame (through the shadow root, on the host, at the button\'s point) do nothing and open no Port; a real click does', async () => {
    const { page, field } = await typeInIframe('A user sentence');
    // A mark in the worker's globals: the Port count below is that same worker's.
    await h.evalInWorker(() => void ((globalThis as { aaE2eMark?: number }).aaE2eMark = 7));
    const portsBefore = await generatePortsOpened(h);

    const report = await page.evaluate(async (tag) => {
      const seen = { openRoots: 0, hostHits: 0, generating: 0 };
      const iframe = document.querySelector('iframe')!;
      // The page's own field in the top frame (focus by script shows the button there),
      // and the user's field in the iframe.
      const own = document.createElement('textarea');
      own.id = 'page-own';
      own.value = 'Page prompt';
      document.body.prepend(own);
      // Focus shows the button at once (the focusin handler places it); the checks below hit-test it.
      own.focus();
      const targets: Array<[Document, HTMLElement]> = [
        [document, own],
        [iframe.contentDocument!, iframe.contentDocument!.querySelector<HTMLElement>('#abstract')!],
      ];
      for (const [doc] of targets) {
        const host = doc.querySelector<HTMLElement>(tag)!;
        new MutationObserver(() => void (host.dataset.state === 'generating' && seen.generating++)).observe(host, { attributes: true });
      }
      const click = (el: Element, x = 0, y = 0) => {
        for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'click']) {
          el.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, cancelable: true, clientX: x, clientY: y }));
        }
      };
      for (let round = 0; round < 3; round++) {
        for (const [doc, target] of targets) {
          const host = doc.querySelector<HTMLElement>(tag)!;
          for (const button of Array.from(host.shadowRoot?.querySelectorAll('button') ?? [])) {
            seen.openRoots++;
            button.click();
          }
          host.click();
          click(host);
          host.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
          // Where the button is drawn, just below the field's right end: elementFromPoint gives the host.
          const r = target.getBoundingClientRect();
          for (let y = r.bottom; y < r.bottom + 40; y += 4) {
            for (let x = Math.max(0, r.right - 160); x < r.right; x += 8) {
              const hit = doc.elementFromPoint(x, y);
              if (hit !== host) continue;
              seen.hostHits++;
              click(hit, x, y);
              (hit as HTMLElement).click();
            }
          }
        }
      }
      return seen;
    }, UI_TAG);
    // An accepted activation marks its host "generating" before it opens its Port (the observer above
    // counts that), and the Port opens in the same task: no time to wait for.

    expect(report.openRoots, 'the shadow root is closed').toBe(0);
    expect(report.hostHits, 'the page did reach the button\'s spot').toBeGreaterThan(0);
    expect(report.generating).toBe(0);
    expect(await generatePortsOpened(h)).toBe(portsBefore);
    expect(await h.evalInWorker(() => (globalThis as { aaE2eMark?: number }).aaE2eMark)).toBe(7);
    expect(await page.locator('#page-own').inputValue()).toBe('Page prompt');
    expect(await field.inputValue()).toBe('A user sentence');

    // A person clicking the same button generates.
    await field.click();
    await page.keyboard.press('Control+End');
    await clickGenerate(page);
    await waitForGrowth(() => field.inputValue(), 'A user sentence');
    expect(await generatePortsOpened(h)).toBeGreaterThan(portsBefore);
    expect((await field.inputValue()).startsWith('A user sentence')).toBe(true);
    await waitIdle(page.frame({ url: /textarea\.html/ })!);
    await page.close();
  });

  it('keyboard users: Tab to the button and Enter generates (a trusted click)', async () => {
    const page = await h.openPage('textarea.html');
    const field = await typeInto(page, '#abstract', 'Keyboard users');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => ui(page).getAttribute('data-state')).toBe('generating');
    await waitForGrowth(() => field.inputValue(), 'Keyboard users');
    await waitIdle(page);
    expect((await field.inputValue()).startsWith('Keyboard users')).toBe(true);
    await page.close();
  });
});

describe('stopping', () => {
  // The fixture model finishes in about a second; the test build's pacing
  // (lib/extension/offscreen/paced-sink.ts) keeps the stream going long enough to stop it.
  beforeAll(async () => {
    await setSettings({ maxNewTokens: 200 });
    await setTestPace(h, 50);
  });
  afterAll(async () => {
    await setTestPace(h, 0);
    await setSettings({ maxNewTokens: 24 });
  });

  async function startLong(page: Page, selector = '#abstract'): Promise<{ field: Locator; read: () => Promise<string> }> {
    const field = await typeInto(page, selector, 'In this paper we');
    const read = () => field.evaluate((el) => (el instanceof HTMLTextAreaElement ? el.value : (el as HTMLElement).innerText));
    await clickGenerate(page);
    await expect.poll(() => ui(page).getAttribute('data-state')).toBe('generating');
    expect(await stopButtonShown(page)).toBe(true);
    await waitForGrowth(read, 'In this paper we');
    return { field, read };
  }

  async function expectStopped(page: Page, field: Locator): Promise<void> {
    await waitIdle(page);
    // Idle = the stream's handle is closed: nothing of it can be inserted after this point.
    const after = await field.inputValue();
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
    await clickStop(page);
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

  it.each([
    ['textarea', 'textarea.html', '#abstract'],
    ['contenteditable', 'contenteditable.html', '#editor'],
  ])('%s: a paste, drop or dictation (trusted beforeinput, no key) stops the stream; the user\'s text lands whole, nothing after it', async (_kind, url, selector) => {
    const page = await h.openPage(url);
    const { read } = await startLong(page, selector);
    const PASTED = ' [the user pasted this]';
    // CDP Input.insertText: what an IME, dictation or paste does, a trusted beforeinput + input and no key events.
    await page.keyboard.insertText(PASTED);
    await waitIdle(page);
    expect(await ui(page).getAttribute('data-message')).toBe('Stopped: you edited the text.');
    const after = await read();
    expect(after.startsWith('In this paper we')).toBe(true);
    expect(after.endsWith(PASTED), 'nothing streamed in after (or into) the pasted text').toBe(true);
    expect(after.indexOf(PASTED)).toBe(after.length - PASTED.length);
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
    expect(await stopButtonShown(page)).toBe(false);
    const kept = await field.inputValue();
    expect(kept.startsWith('In this paper we')).toBe(true);
    // …and nothing that was inserted is lost (at most deltas already in flight were added).
    expect(kept.startsWith(atStop)).toBe(true);
    // Next Generate starts a new worker and works.
    await field.click();
    await page.keyboard.press('Control+End');
    await clickGenerate(page);
    await waitForGrowth(() => field.inputValue(), kept);
    expect(await h.evalInWorker(() => (globalThis as { aaE2eMark?: number }).aaE2eMark ?? 'fresh')).toBe('fresh');
    await clickStop(page);
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
    await clickGenerate(page);
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
    const { page, field } = await typeInIframe('Vision transformers');
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
