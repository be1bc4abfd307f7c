/**
 * npx tsx bench/memory.ts [--runs N] [--live] [--ours-tab] [--ours-web] [--tjs-offscreen]
 *
 * The peak-memory question alone: the bundled model, 1 thread, Chromium, our
 * engine in the extension's offscreen document and transformers.js on a
 * cross-origin-isolated web page, with the same protocol as `npm run bench`
 * (bench/lib/measure.ts; the bench runs transformers.js as the offscreen
 * document, as `--tjs-offscreen` does here). `--live` also measures with a full garbage
 * collection before every 25 ms sample (Chromium started with
 * --js-flags=--expose-gc), which tells memory still referenced from garbage V8
 * has not collected yet. `--ours-tab` also runs ours with its page opened
 * in a tab, `--ours-web` with the extension's files served from an ordinary
 * local origin (outside the extension's process), `--tjs-offscreen` transformers.js as the offscreen document: the
 * same code in the other kind of document. Prints one line per configuration; writes nothing.
 * Needs the test build (`npm run build:test`) and bench/transformersjs
 * (`bash scripts/ensure-transformersjs.sh`).
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addBenchPage, addTjsPage } from './lib/bench-page';
import { serveTjs } from './lib/tjs-server';
import { launch, ROOT, TEST_EXTENSION_DIR } from '../e2e/harness';
import { makePlan } from './lib/prompts';

const args = process.argv.slice(2);
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : 5;
const LIVE = args.includes('--live');
const MODEL = join(TEST_EXTENSION_DIR, 'models/abstract-gpt');
const TMP = join(ROOT, 'bench', 'cache', 'memory');
if (!existsSync(join(TEST_EXTENSION_DIR, 'manifest.json'))) throw new Error('no test build: run `npm run build:test` first');

const plan = makePlan(MODEL, RUNS);
const EXT = join(TMP, 'ext');
const WWW = join(TMP, 'www');
rmSync(TMP, { recursive: true, force: true });
cpSync(TEST_EXTENSION_DIR, EXT, { recursive: true });
mkdirSync(WWW, { recursive: true });
for (const dir of [EXT, WWW]) writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
await addBenchPage(EXT);
// transformers.js as the offscreen document (as in `npm run bench`), and the same page for the local web origin.
await addTjsPage(EXT);
for (const f of ['tjs.js', 'tjs.html']) cpSync(join(EXT, f), join(WWW, f));
cpSync(MODEL, join(EXT, 'models/bundled'), { recursive: true });

const { server, origin: www } = await serveTjs(WWW, { bundled: MODEL });
// The extension's files on an ordinary origin, for ours outside the extension's process.
const { server: extServer, origin: extWeb } = await serveTjs(EXT, { 'abstract-gpt': join(EXT, 'models/abstract-gpt') });

const extraArgs = ['--enable-precise-memory-info', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', ...(LIVE ? ['--js-flags=--expose-gc'] : [])];
const h = await launch({ extensionDir: EXT, serve: false, extraArgs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function poll(read: () => Promise<any>): Promise<any> {
  for (const end = Date.now() + 300_000; Date.now() < end; ) {
    await sleep(500);
    const r = await read();
    if (r) {
      if (!r.ok) throw new Error(r.error);
      return r;
    }
  }
  throw new Error('timed out');
}
/** Opens `url` as the offscreen document and reads its result. */
async function offscreen(page: string, query: Record<string, string>) {
  const key = `mem-${Date.now()}`;
  const url = `${page}?${new URLSearchParams({ ...query, id: key })}`;
  await h.evalInWorker(async (u: string) => {
    if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
    await chrome.offscreen.createDocument({ url: u, reasons: ['WORKERS' as chrome.offscreen.Reason], justification: 'benchmark' });
  }, url);
  try {
    return await poll(() => h.evalInTargetByUrl(key, 'window.__benchResult').catch(() => undefined));
  } finally {
    await h.evalInWorker(async () => {
      if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
    });
  }
}
const ours = (gc: boolean) => offscreen('bench.html', { runner: 'ours', threads: '1', model: 'models/abstract-gpt/', plan: 'plan.json', gc: gc ? '1' : '0' });
/** transformers.js in the same kind of document as ours: an extension's offscreen document. */
const tjsOffscreen = (gc: boolean) => offscreen('tjs.html', { threads: '1', model: 'bundled', plan: 'plan.json', gc: gc ? '1' : '0' });
/** A page in a tab (drawn, unlike the offscreen document) and its result. */
async function inTab(url: string) {
  const page = await h.context.newPage();
  try {
    await page.goto(url);
    return await poll(() => page.evaluate(() => (window as any).__benchResult));
  } finally {
    await page.close();
  }
}
const tjs = (gc: boolean) => inTab(`${www}/tjs.html?threads=1&model=bundled&plan=plan.json&gc=${gc ? 1 : 0}`);
/** Ours in the same extension page as the offscreen document's, opened in a tab instead. */
const oursTab = (gc: boolean) => inTab(`${h.extensionOrigin}/bench.html?${new URLSearchParams({ runner: 'ours', threads: '1', model: 'models/abstract-gpt/', plan: 'plan.json', gc: gc ? '1' : '0' })}`);
const oursWeb = (gc: boolean) => inTab(`${extWeb}/bench.html?${new URLSearchParams({ runner: 'ours', threads: '1', model: 'models/abstract-gpt/', plan: 'plan.json', gc: gc ? '1' : '0' })}`);
const line = (name: string, r: any) =>
  console.log(`${name.padEnd(28)} peak ${r.peak_mb} MB (JS heap ${r.peak_js_heap_mb} + WASM ${r.peak_wasm_mb}); decode ${r.decode_tokens_per_s} tok/s\n  JS heap peak by phase: ${JSON.stringify(r.peak_js_heap_mb_by_phase)}`);
try {
  for (const gc of LIVE ? [false, true] : [false]) {
    const tag = gc ? ', live (gc per sample)' : '';
    line(`ours${tag}`, await ours(gc));
    if (args.includes('--ours-tab')) line(`ours in a tab${tag}`, await oursTab(gc));
    if (args.includes('--ours-web')) line(`ours on a web page${tag}`, await oursWeb(gc));
    line(`transformersjs${tag}`, await tjs(gc));
    if (args.includes('--tjs-offscreen')) line(`transformersjs offscreen${tag}`, await tjsOffscreen(gc));
  }
} finally {
  await h.close();
  server.close();
  extServer.close();
}
