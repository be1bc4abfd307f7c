/**
 * Self-hosted Overleaf in Firefox: after the popup's "Add a self-hosted
 * Overleaf domain" flow, https://overleaf.example.edu gets the Overleaf
 * scripts, registered at run time (MAIN world included), like overleaf.com.
 * The host resolves to the local HTTPS Overleaf stand-in
 * (e2e/overleaf-server.ts; FirefoxLaunchOptions.localHosts). The test build
 * grants the host up front (wxt.config.ts TEST_GRANTED_HOSTS), so the popup's
 * `permissions.request` resolves at once with no prompt to click.
 *
 * Prerequisite: `npm run build:test:firefox`.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OVERLEAF_HOST, startOverleafServer, type OverleafServer } from '../overleaf-server';
import { expectTabIsOneUndoStep, finalGhost, focusEnd, GENERATE_BUTTON as BUTTON } from './codemirror-steps';
import { launchFirefox, waitFor, type FirefoxHarness } from './harness';

const SELF_HOSTED = 'overleaf.example.edu';
const INITIAL = 'We propose a method to';

let server: OverleafServer;
let h: FirefoxHarness;

beforeAll(async () => {
  server = await startOverleafServer();
  // The local server's certificate is self-signed (made at test time).
  h = await launchFirefox({ acceptInsecureCerts: true, localHosts: [SELF_HOSTED] });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
  await server?.close();
});

async function openProject(): Promise<Page> {
  const url = server.projectUrl({ cm: 'new', variant: 'extensions', text: INITIAL }).replace(`https://${OVERLEAF_HOST}/`, `https://${SELF_HOSTED}:${server.port}/`);
  const page = await h.openPage(url);
  await page.waitForSelector('body[data-ready]');
  return page;
}

const docText = (page: Page) => page.evaluate(() => (window as any).__cm.state.doc.toString() as string);
const bodyText = (page: Page) => page.evaluate(() => document.body.innerText);

describe('Firefox: self-hosted Overleaf', () => {
  it('before the domain is added, its project pages get nothing', async () => {
    // A page on a declared local host shows when the content scripts of a load have run.
    const page = await openProject();
    const control = await h.openPage('textarea.html');
    await control.waitForSelector('abstract-autocomplete-ui', { timeout: 30_000 });
    expect(await page.$$eval(BUTTON, (els) => els.length)).toBe(0);
    await control.close();
    await page.close();
  });

  it('after the popup adds the domain: the button, ghost text in the editor (native path), Tab, one undo step', async () => {
    const popup = await h.openPopup();
    await popup.type('#overleaf-domain', SELF_HOSTED);
    await popup.click('form button[type="submit"]');
    await waitFor(() => bodyText(popup), (t) => t.includes(`Enabled on ${SELF_HOSTED}.`), 10_000, 'the popup says the domain is enabled');
    await waitFor(() => bodyText(popup), (t) => t.includes(`https://${SELF_HOSTED}/* (Overleaf)`), 10_000, 'the domain in the list');
    await popup.close();

    const page = await openProject();
    await page.waitForSelector(BUTTON, { timeout: 30_000 });
    expect(await page.$$eval(BUTTON, (els) => els.length), 'one Generate button per editor').toBe(1);
    await focusEnd(page);
    await page.click(BUTTON);
    const ghost = await finalGhost(page);
    expect(await page.evaluate(() => !!(window as any).__cm.contentDOM.querySelector('.aa-ghost')), 'the ghost is a CodeMirror decoration (Overleaf hook)').toBe(true);
    expect(await docText(page)).toBe(INITIAL);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });
});
