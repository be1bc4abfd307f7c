/**
 * `npm run screenshot:popup`: builds the test extension, opens its action
 * popup in Debian Chromium over a local page (so the per-site switch shows),
 * waits for the model, and writes docs/popup.png and, with the dark colour
 * scheme emulated, docs/popup-dark.png. The README and docs/POPUP.md show them.
 *
 *   npm run screenshot:popup                 # build, then shoot
 *   npm run screenshot:popup -- --no-build   # reuse .output/chrome-mv3-test
 */
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openActionPopup, type ActionPopup } from '../e2e/action-popup';
import { launch, ROOT, type Harness } from '../e2e/harness';

/** The popup's width (entrypoints/popup/style.css). */
const WIDTH = 380;

/**
 * The whole popup, not only the part its window (at most 600 px high) shows:
 * Chromium cannot enlarge an action popup's viewport (no metrics override,
 * and captureBeyondViewport repeats the visible part), so the popup is
 * scrolled a window at a time and the slices are joined on a canvas in an
 * ordinary page.
 */
interface Shot {
  slices: Array<{ y: number; data: string }>;
  height: number;
}

async function capture(popup: ActionPopup, scheme: 'light' | 'dark'): Promise<Shot> {
  // One session: emulation ends with the session that set it.
  return popup.session(async (send) => {
    const value = async <T>(expression: string): Promise<T> => (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true })).result.value as T;
    await send('Emulation.setEmulatedMedia', {
      features: [
        { name: 'prefers-color-scheme', value: scheme },
        { name: 'prefers-reduced-motion', value: 'reduce' },
      ],
    });
    const full = await value<number>('document.documentElement.scrollHeight');
    const view = await value<number>('innerHeight');
    const taken: Array<{ y: number; data: string }> = [];
    for (let y = 0; y < full; y += view) {
      // Scrolling clamps at the bottom: the last slice starts where the page really is.
      const at = await value<number>(`(scrollTo(0, ${y}), new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(scrollY)))))`);
      taken.push({ y: at, data: (await send('Page.captureScreenshot', { format: 'png' })).data as string });
    }
    await value('scrollTo(0, 0)');
    return { slices: taken, height: full };
  });
}

/** Joins the slices in an ordinary page (opening it closes the popup, so every capture comes first). */
async function save(h: Harness, { slices, height }: Shot, file: string): Promise<void> {
  const canvasPage = await h.context.newPage();
  try {
    const png = await canvasPage.evaluate(
      async ({ slices, width, height }) => {
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext('2d')!;
        for (const slice of slices) {
          const image = new Image();
          image.src = `data:image/png;base64,${slice.data}`;
          await image.decode();
          ctx.drawImage(image, 0, slice.y);
        }
        return canvas.toDataURL('image/png').split(',')[1]!;
      },
      { slices, width: WIDTH, height },
    );
    writeFileSync(file, Buffer.from(png, 'base64'));
  } finally {
    await canvasPage.close();
  }
  console.log(`wrote ${file} (${WIDTH}×${height}, ${slices.length} slices)`);
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-build')) execSync('npx wxt build --mode test', { cwd: ROOT, stdio: 'inherit' });
  const h = await launch();
  try {
    const page = await h.openPage('textarea.html');
    const popup = await openActionPopup(h, page);
    const deadline = Date.now() + 60_000;
    while ((await popup.eval('document.querySelector(".model-status")?.dataset.state')) !== 'ready' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    // One help text open, to show what a Help button does.
    await popup.eval(`document.querySelector('#inline-minConfidence-help').closest('.field').querySelector('button.info').click()`);
    const light = await capture(popup, 'light');
    const dark = await capture(popup, 'dark');
    await save(h, light, join(ROOT, 'docs', 'popup.png'));
    await save(h, dark, join(ROOT, 'docs', 'popup-dark.png'));
  } finally {
    await h.close();
  }
}

main().catch((error: unknown) => {
  console.error(`screenshot failed: ${(error as Error).message}`);
  process.exit(1);
});
