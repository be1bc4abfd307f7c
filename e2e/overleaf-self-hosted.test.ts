/**
 * Self-hosted Overleaf: after the popup's "Add a self-hosted Overleaf domain"
 * flow, https://overleaf.example.edu behaves like overleaf.com. The host is
 * mapped to the local HTTPS Overleaf stand-in (overleaf-server.ts). The
 * permission prompt cannot be clicked in e2e, so the test build grants this
 * host up front (wxt.config.ts TEST_GRANTED_HOSTS); `permissions.request`
 * then resolves true at once and the popup's own code records the site and
 * registers the scripts, which is what this test drives.
 *
 * Prerequisite: `npm run build:test`.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectTabIsOneUndoStep, finalGhost } from './codemirror-pages';
import { launch, type Harness } from './harness';
import { hasContentScript } from './observe';
import { pickGenerateMenuItem, pressGenerateShortcut } from './triggers';
import { OVERLEAF_HOST, startOverleafServer, type CmBuild, type EditorVariant, type OverleafServer } from './overleaf-server';

const SELF_HOSTED = 'overleaf.example.edu';
const INITIAL = 'We propose a method to';

let server: OverleafServer;
let h: Harness;

beforeAll(async () => {
  server = await startOverleafServer();
  h = await launch({
    allowHosts: [SELF_HOSTED],
    hostResolverRules: `MAP ${SELF_HOSTED}:443 127.0.0.1:${server.port}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
    extraArgs: ['--ignore-certificate-errors'],
  });
});
afterEach(() => h.assertNoExternalRequests());
afterAll(async () => {
  await h?.close();
  await server?.close();
});

function projectUrl(cm: CmBuild, variant: EditorVariant): string {
  return server.projectUrl({ cm, variant, text: INITIAL }).replace(`https://${OVERLEAF_HOST}/`, `https://${SELF_HOSTED}/`);
}

async function openProject(cm: CmBuild, variant: EditorVariant): Promise<Page> {
  const page = await h.context.newPage();
  await page.goto(projectUrl(cm, variant));
  await page.waitForSelector('body[data-ready]');
  return page;
}

const docText = (page: Page) => page.evaluate(() => (window as any).__cm.state.doc.toString() as string);

async function generateGhost(page: Page): Promise<string> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.getByRole('button', { name: /Generate/ }).click();
  return finalGhost(page);
}

describe('self-hosted Overleaf', () => {
  it('before the domain is added, its project pages get nothing', async () => {
    const page = await openProject('new', 'plain');
    expect(await hasContentScript(h, page)).toBe(false);
    expect(await page.locator('[data-abstract-autocomplete-generate]').count()).toBe(0);
    await page.close();
  });

  it('the popup adds the domain and registers the Overleaf scripts for its project pages', async () => {
    const popup = await h.openExtensionPage('popup.html');
    await popup.getByLabel('Add a self-hosted Overleaf domain').fill(SELF_HOSTED);
    await popup.getByRole('button', { name: 'Add', exact: true }).click();
    await popup.getByText(`Enabled on ${SELF_HOSTED}.`, { exact: false }).waitFor({ timeout: 10_000 });
    await popup.getByText(`https://${SELF_HOSTED}/* (Overleaf)`).waitFor();
    await popup.close();
    // (The test build's fixture site, e2e/add-a-site.test.ts, has its own registrations.)
    const registered = await h.evalInWorker(async () =>
      (await chrome.scripting.getRegisteredContentScripts())
        .filter((s) => s.id.startsWith('aa-overleaf'))
        .map((s) => ({ id: s.id, matches: s.matches, world: s.world ?? 'ISOLATED' })),
    );
    expect(registered).toEqual([
      { id: 'aa-overleaf-main', matches: [`https://${SELF_HOSTED}/project/*`], world: 'MAIN' },
      { id: 'aa-overleaf', matches: [`https://${SELF_HOSTED}/project/*`], world: 'ISOLATED' },
    ]);
  });

  it('native path (Overleaf\'s extension event): inline ghost, Tab accepts, one undo step, one button', async () => {
    const page = await openProject('new', 'extensions');
    await page.getByRole('button', { name: /Generate/ }).waitFor();
    expect(await page.locator('[data-abstract-autocomplete-generate]').count(), 'one Generate button per editor').toBe(1);
    const ghost = await generateGhost(page);
    expect(await page.evaluate(() => !!(window as any).__cm.contentDOM.querySelector('.aa-ghost')), 'the ghost is a CodeMirror decoration').toBe(true);
    expect(await docText(page)).toBe(INITIAL);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });

  it('the keyboard command generates there; Ctrl+→ takes one word, one undo step each', async () => {
    const page = await openProject('new', 'extensions');
    await page.getByRole('button', { name: /Generate/ }).waitFor();
    await page.bringToFront();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    expect(await pressGenerateShortcut(h, page)).toEqual({ ok: true });
    const ghost = await finalGhost(page);
    const word = /^\s*\S+/u.exec(ghost)![0];
    await page.keyboard.press('Control+ArrowRight');
    expect(await docText(page)).toBe(INITIAL + word);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    expect(await docText(page)).toBe(INITIAL);
    await page.close();
  });

  it('right-click "Generate continuation": ghost text from the Overleaf scripts, no plain-field script injected', async () => {
    const page = await openProject('new', 'plain');
    await page.getByRole('button', { name: /Generate/ }).waitFor();
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.locator('.cm-content').click({ button: 'right' });
    expect(await pickGenerateMenuItem(h, page)).toEqual({ ok: true });
    const ghost = await finalGhost(page);
    expect(await docText(page), 'nothing in the document before Tab').toBe(INITIAL);
    expect(await page.locator('abstract-autocomplete-ui').count(), 'the Overleaf script answered').toBe(0);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });

  it('overlay path on the pre-6.39 layout: ghost, Tab accepts, one undo step', async () => {
    const page = await openProject('old', 'plain');
    await page.getByRole('button', { name: /Generate/ }).waitFor();
    const ghost = await generateGhost(page);
    expect(await docText(page)).toBe(INITIAL);
    await expectTabIsOneUndoStep(page, () => docText(page), INITIAL, ghost);
    await page.close();
  });
});
