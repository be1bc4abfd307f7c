/**
 * `npm run demo`: builds the test extension, opens Debian Chromium with it,
 * and shows both paths working end to end with the bundled model:
 *  1. a plain textarea on a local page (generic content script): types
 *     "We propose a method to", clicks Generate, prints the completion;
 *  2. a CodeMirror 6 editor served as https://www.overleaf.com (local HTTPS
 *     stand-in): Generate → ghost text → Tab, prints the accepted result.
 * Exits 0 on success, non-zero with a one-line reason otherwise.
 *
 *   npm run demo                 # headless
 *   npm run demo -- --headed     # watch it (needs $DISPLAY)
 *   npm run demo -- --no-build   # reuse .output/chrome-mv3-test
 */
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { clickShadowButton, launch, ROOT, type Harness } from '../e2e/harness';
import { overleafLaunchOptions, startOverleafServer, type OverleafServer } from '../e2e/overleaf-server';

const PROMPT = 'We propose a method to';
const GENERATION_TIMEOUT_MS = 120_000;
const args = new Set(process.argv.slice(2));

function fail(message: string): never {
  console.error(`demo failed: ${message}`);
  process.exit(1);
}

async function textareaDemo(h: Harness): Promise<void> {
  const page = await h.openPage('demo/index.html');
  const field = page.locator('#abstract');
  await field.click();
  await field.pressSequentially(PROMPT);
  // The generic script's button is in a closed shadow root: clicked with the mouse where it is drawn.
  await clickShadowButton(page, 'abstract-autocomplete-ui', /^Generate/);
  // The generic script's button host switches to "generating" and back.
  await page.waitForFunction(
    (prompt) => (document.querySelector('#abstract') as HTMLTextAreaElement).value.length > prompt.length,
    PROMPT,
    { timeout: GENERATION_TIMEOUT_MS },
  );
  await page.waitForFunction(() => !document.querySelector('[data-state="generating"]'), undefined, { timeout: GENERATION_TIMEOUT_MS });
  const value = await field.inputValue();
  console.log(`Completion (textarea): ${JSON.stringify(value.slice(PROMPT.length))}`);
  console.log(`  full text: ${value}`);
}

async function overleafDemo(h: Harness, server: OverleafServer): Promise<void> {
  const page = await h.context.newPage();
  await page.goto(server.projectUrl({ cm: 'new', text: PROMPT }));
  await page.waitForSelector('body[data-ready]');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  const generate = page.locator('[data-abstract-autocomplete-generate]');
  await generate.waitFor();
  await generate.click();
  await page.locator('[data-abstract-autocomplete-generate][aria-busy="false"]').waitFor({ timeout: GENERATION_TIMEOUT_MS });
  // The page draws the last words a moment after the button turns idle.
  await page.locator('[data-abstract-autocomplete="ghost"][data-streaming="false"]').waitFor({ timeout: 2000 }).catch(() => undefined);
  const status = await page.locator('[data-abstract-autocomplete-status]').textContent({ timeout: 500 }).catch(() => null);
  const ghost = await page.locator('.aa-ghost-text').textContent({ timeout: 2000 }).catch(() => null);
  if (!ghost) fail(`no ghost text in the Overleaf editor${status ? ` (${status})` : ''}`);
  const docBefore = await page.evaluate(() => (window as any).__cm.state.doc.toString() as string);
  if (docBefore !== PROMPT) fail('the ghost text leaked into the document before it was accepted');
  console.log(`Completion (Overleaf editor, ghost text): ${JSON.stringify(ghost)}`);
  await page.keyboard.press('Tab');
  const doc = await page.evaluate(() => (window as any).__cm.state.doc.toString() as string);
  if (doc !== PROMPT + ghost) fail(`Tab did not insert the completion (document: ${JSON.stringify(doc)})`);
  console.log(`  accepted with Tab: ${doc}`);
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'public', 'models', 'abstract-gpt', 'config.json'))) {
    fail('no model in public/models/abstract-gpt/ (copy the trained model there, or tests/fixtures/tiny-gpt2 for a smoke run)');
  }
  if (!args.has('--no-build')) {
    console.log('Building the test extension (npm run build:test)…');
    try {
      execSync('npm run build:test', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch {
      fail('npm run build:test failed (see above)');
    }
  }
  const headed = args.has('--headed');
  if (headed && !process.env.DISPLAY) fail('--headed needs a display ($DISPLAY is not set); run without it for headless');

  const server = await startOverleafServer();
  // `headed` is a harness option (e2e/harness.ts); passed through a variable so the demo still compiles if it moves.
  const options = { ...overleafLaunchOptions(server), headed };
  const h = await launch(options);
  try {
    await textareaDemo(h);
    await overleafDemo(h, server);
    h.assertNoExternalRequests();
    console.log('No request left the machine. Demo OK.');
    if (headed) await new Promise((r) => setTimeout(r, 3000));
  } finally {
    await h.close();
    await server.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => fail(error.message.split('\n')[0]),
);
