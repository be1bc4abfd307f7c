/**
 * Bring your own model, end to end in Debian Chromium with the built test
 * extension: a person sets up a model server in the popup (kind, address,
 * Test connection, the model picked from the server's own list), then types
 * in a textarea and in the Overleaf-like page and accepts with Tab a
 * suggestion that came from that server. The server is a local fake of
 * Ollama (tests/fakes), which answers 403 to extension origins as a default
 * Ollama install does: it works only because the extension rewrites Origin for
 * that one server. Also: a server that is down (message, then the bundled
 * model), and a site set to "bundled model only" (the server sees nothing).
 *
 * Prerequisite: `npm run build:test`. The test build grants http://127.0.0.1/*
 * up front, so the popup's permission request resolves without a prompt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FAKE_MODELS, startFake, type Fake } from '../tests/fakes/fake-server';
import { clickShadowButton, launch, type Harness } from './harness';
import { openActionPopup, type ActionPopup } from './action-popup';
import { INLINE_STATE_ATTR, inlineGhost, setInlineSettings } from './inline-helpers';
import { docText, openProject } from './overleaf-page';
import { overleafLaunchOptions, startOverleafServer, type OverleafServer } from './overleaf-server';

/** The fake's continuation of this text, cut by its log-probabilities at the default eagerness (tests/fakes/continuations.ts). */
const TYPED = 'We propose a';
const FROM_SERVER = ' novel method for ';

let h: Harness;
let overleaf: OverleafServer;
let fake: Fake;

beforeAll(async () => {
  overleaf = await startOverleafServer();
  h = await launch(overleafLaunchOptions(overleaf));
  // Only the extension's own settings: default eagerness, so the fake's cut is the one shown.
  await setInlineSettings(h, { enabled: true, pauseMs: 150 });
  fake = await startFake('ollama');
});

afterAll(async () => {
  h?.assertNoExternalRequests();
  await h?.close();
  await overleaf?.close();
  await fake?.close();
});

/** The popup page: choose a server, fill its address, test the connection, pick the model from its list. */
async function configureServer(url: string): Promise<Page> {
  const popup = await h.openExtensionPage('popup.html');
  await popup.getByLabel('A model server (Ollama, llama.cpp, vLLM, …)').check();
  await popup.locator('#server-kind').selectOption('ollama');
  await popup.locator('#server-url').fill(url);
  await popup.getByRole('button', { name: 'Test connection' }).click();
  return popup;
}

/**
 * What the popup saves for a server (test 1 does it through the popup): later
 * tests start from it, so that one failure does not cascade.
 */
async function useServer(url: string, bundledOnly: string[] = []): Promise<void> {
  await h.evalInWorker(
    (source) => chrome.storage.local.set({ modelSource: source }),
    { use: 'server', server: { kind: 'ollama', url, model: FAKE_MODELS.ollama }, bundledOnly },
  );
}

/** The switch names this site, so it appears once the popup knows the tab it was opened over; then one click. */
async function flipBundledOnly(popup: ActionPopup): Promise<void> {
  await expect.poll(() => popup.eval<boolean>(`!!document.getElementById('bundled-only')`)).toBe(true);
  await popup.eval(`document.getElementById('bundled-only').click()`);
}

const generateRequests = () => fake.requests.filter((r) => r.path === '/api/generate');

describe('a model server set up in the popup', () => {
  it('test connection lists the models, the model is picked, and the popup names the origin that receives text', async () => {
    const popup = await configureServer(fake.url);
    const model = popup.locator('#server-model');
    await expect.poll(() => model.isEnabled(), { timeout: 20_000 }).toBe(true);
    expect(await popup.getByText(/Reached http:\/\/127\.0\.0\.1:\d+: 1 model\. Pick the model/).count()).toBe(1);
    await model.selectOption(FAKE_MODELS.ollama);
    await popup.getByText(new RegExp(`${FAKE_MODELS.ollama} answered in \\d+ ms`)).waitFor({ timeout: 20_000 });
    expect(await popup.locator('.privacy').textContent()).toContain(`goes to ${fake.origin} when you pause typing or press Generate`);
    // A default Ollama refuses extension origins; the request got through with the server's own origin.
    const probe = generateRequests().at(-1)!;
    expect(probe.headers.origin).toBe(fake.origin);
    await popup.close();
  });

  it('typing in a textarea shows the server suggestion; Tab accepts exactly the server text', async () => {
    await useServer(fake.url);
    const before = generateRequests().length;
    const page = await h.openPage('textarea.html');
    await page.locator('#abstract').click();
    await page.keyboard.type(TYPED);
    expect(await inlineGhost(page)).toBe(FROM_SERVER);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('#abstract').inputValue()).toBe(TYPED + FROM_SERVER);
    const asked = generateRequests().slice(before);
    expect(asked.some((r) => r.body.prompt === TYPED && r.body.model === FAKE_MODELS.ollama)).toBe(true);
    await page.close();
  });

  it('typing in the Overleaf page shows the server suggestion; Tab accepts it into the document', async () => {
    await useServer(fake.url);
    const before = generateRequests().length;
    const page = await openProject(h, overleaf, { text: 'Abstract.\n' });
    await page.keyboard.type(TYPED);
    expect(await inlineGhost(page)).toBe(FROM_SERVER);
    await page.keyboard.press('Tab');
    await expect.poll(() => docText(page)).toBe(`Abstract.\n${TYPED}${FROM_SERVER}`);
    expect(generateRequests().slice(before).some((r) => r.body.prompt.endsWith(TYPED))).toBe(true);
    await page.close();
  });

  it('per-site "bundled model only": typing there sends the server nothing', async () => {
    await useServer(fake.url);
    const page = await h.openPage('textarea.html');
    const popup = await openActionPopup(h, page);
    // The popup has read the settings (it names the server) before the switch is flipped.
    await expect.poll(() => popup.eval<string>(`document.querySelector('.privacy')?.textContent ?? ''`)).toContain(`goes to ${fake.origin}`);
    await flipBundledOnly(popup);
    await expect.poll(() => popup.eval<string>(`document.querySelector('.privacy').textContent`)).toContain('but not from this site');
    const before = fake.requests.length;
    await page.bringToFront();
    await page.locator('#abstract').click();
    await page.keyboard.type(TYPED);
    // The bundled model decided (a ghost or nothing): the request is over.
    await expect.poll(() => page.locator('#abstract').getAttribute(INLINE_STATE_ATTR), { timeout: 90_000 }).toMatch(/^(shown|nothing)$/);
    expect(fake.requests.length).toBe(before);
    // Undo the switch for the next tests, through the same popup.
    const again = await openActionPopup(h, page);
    await flipBundledOnly(again);
    await page.close();
  });

  it('a server that is down: Generate says what to do and inserts nothing; the next Generate uses the bundled model', async () => {
    const down = await startFake('ollama');
    await down.close();
    const popup = await configureServer(down.url);
    await popup.getByRole('alert').filter({ hasText: /Nothing answers at .* is the Ollama running\?/ }).waitFor({ timeout: 20_000 });
    // The model picked before, on the server that is now down.
    await useServer(down.url);
    await popup.close();
    const page = await h.openPage('textarea.html');
    const field = page.locator('#abstract');
    await field.click();
    await page.keyboard.type('Graph neural networks');
    await clickShadowButton(page, 'abstract-autocomplete-ui', /^Generate/);
    const ui = page.locator('abstract-autocomplete-ui');
    await expect.poll(() => ui.getAttribute('data-message'), { timeout: 30_000 }).toMatch(/Nothing answers at .*Nothing was inserted\. This tab now uses the bundled model/);
    expect(await field.inputValue()).toBe('Graph neural networks');
    // The choice: Generate again, and the bundled model answers.
    await clickShadowButton(page, 'abstract-autocomplete-ui', /^Generate/);
    await expect.poll(async () => (await field.inputValue()).length, { timeout: 90_000 }).toBeGreaterThan('Graph neural networks'.length);
    await page.close();
  });
});
