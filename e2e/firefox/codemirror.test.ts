/**
 * CodeMirror 6 in Firefox: ghost text, Tab accepts, one Ctrl+Z removes it.
 * The page is e2e/overleaf-server.ts's CodeMirror project page, reached as
 * https://127.0.0.1:<port>/project/<id>: Firefox has no host-resolver flag to
 * serve it as https://www.overleaf.com, so the Firefox TEST build declares
 * the same two Overleaf scripts for https://127.0.0.1/project/*
 * (wxt.config.ts FIREFOX_TEST_OVERLEAF_MATCHES). Production is unchanged.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOverleafServer, type CmBuild, type OverleafServer } from '../overleaf-server';
import { launchFirefox, waitFor, type FirefoxHarness } from './harness';

const INITIAL = 'We propose a method to';
let server: OverleafServer;
let h: FirefoxHarness;

beforeAll(async () => {
  server = await startOverleafServer();
  // The local server's certificate is self-signed (made at test time).
  h = await launchFirefox({ acceptInsecureCerts: true });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
  await server?.close();
});

async function openProject(cm: CmBuild): Promise<Page> {
  const url = new URL(server.projectUrl({ cm, variant: 'plain', text: INITIAL }));
  url.host = `127.0.0.1:${server.port}`;
  const page = await h.browser.newPage();
  await page.goto(url.href);
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('[data-abstract-autocomplete-generate]', { timeout: 30_000 });
  await page.click('.cm-content');
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  return page;
}

const docText = (page: Page) => page.evaluate(() => (window as any).__cm.state.doc.toString() as string);
const attr = (page: Page, selector: string, name: string) => page.evaluate((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, selector, name);

async function undo(page: Page): Promise<void> {
  await page.keyboard.down('Control');
  await page.keyboard.press('z');
  await page.keyboard.up('Control');
}

describe.each<CmBuild>(['new', 'old'])('Firefox: CodeMirror 6 (@codemirror/view %s layout)', (cm) => {
  it('ghost text at the caret, not in the document; Tab accepts as one undo step', async () => {
    const page = await openProject(cm);
    await page.click('[data-abstract-autocomplete-generate]');
    await waitFor(() => attr(page, '[data-abstract-autocomplete="ghost"]', 'data-streaming'), (v) => v === 'false', 120_000, 'a finished ghost');
    const ghost = (await page.$eval('.aa-ghost-text', (el) => el.textContent)) ?? '';
    expect(ghost.length).toBeGreaterThan(0);
    expect(ghost).not.toBe('…');
    // Shown, not inserted: collaborators see nothing until it is accepted.
    expect(await docText(page)).toBe(INITIAL);

    await page.keyboard.press('Tab');
    expect(await docText(page)).toBe(INITIAL + ghost);
    await waitFor(() => page.evaluate(() => document.querySelectorAll('.aa-ghost').length), (n) => n === 0, 5_000, 'ghost gone');
    // Typing right after the accept stays a separate undo step.
    await page.keyboard.type('Q');
    expect(await docText(page)).toBe(INITIAL + ghost + 'Q');
    await undo(page);
    expect(await docText(page)).toBe(INITIAL + ghost);
    await undo(page);
    expect(await docText(page), 'one undo removes the whole completion and nothing else').toBe(INITIAL);
    await page.close();
  });
});
