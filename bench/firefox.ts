/**
 * npm run bench (after the Chromium table, typing and soak) or
 * `npx tsx bench/firefox.ts [--quick] [--runs N] [--rounds N] [--rebuild]`:
 * decode speed of our engine in Firefox, where it runs single-threaded
 * (extension pages are not cross-origin isolated, so no SharedArrayBuffer).
 *
 * Same measurement as the speed table's `ours` runner (bench/pages/ext-bench.ts,
 * bench/lib/measure.ts; the bundled model, 64 new tokens, EOS ignored), in an
 * extension page of the Firefox test build: the same origin, CSP, shipped
 * ort/ files and thread count as the background page that hosts the engine.
 * For scale, each round also runs the same page, forced to 1 thread, in
 * Chromium (the Chrome test build, as an extension tab), so the ratio is
 * between runs minutes apart under the same load.
 * Writes bench/results/firefox-<date>.json and firefox-latest.json (the docs'
 * `bench:firefox` region is rendered from it by `npm run bench:report`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { launch, ROOT, TEST_EXTENSION_DIR } from '../e2e/harness';
import { FIREFOX_PATH, FIREFOX_TEST_EXTENSION_DIR, launchFirefox, waitFor } from '../e2e/firefox/harness';
import { addBenchPage } from './lib/bench-page';
import { firefoxTable } from './lib/doc-tables';
import { isMain, makeLog, parseOptions, type BenchOptions } from './lib/options';
import { makePlan } from './lib/prompts';
import { loadAverage, writeResult } from './lib/results';
import { bestRound } from './lib/rounds';
import { CACHE, ensureBuild } from './plan';

const EXT = join(CACHE, 'ext-firefox');
const EXT_CHROMIUM = join(CACHE, 'ext-firefox-cmp-chromium');
const BENCH_PAGE = `bench.html?${new URLSearchParams({ runner: 'ours', threads: '1', model: 'models/abstract-gpt/', plan: 'bench-plan.json' })}`;
const summary = (r: any) => `cold ${r.cold_start_ms} ms, ttft16 ${r.ttft_ms_16} ms, ${r.decode_tokens_per_s} tok/s (${r.decode_tokens_per_s_varied} over varied prompts), isolated ${r.cross_origin_isolated}`;

/** Builds what is missing and stages both extension copies with the benchmark page and plan; returns the model's config. */
async function stage(opts: BenchOptions, log: (line: string) => void) {
  // A build made before the model was retrained would measure the old model (plan.ts checks the same).
  ensureBuild(FIREFOX_TEST_EXTENSION_DIR, 'build:test:firefox', opts, log);
  ensureBuild(TEST_EXTENSION_DIR, 'build:test', opts, log);
  const modelDir = join(FIREFOX_TEST_EXTENSION_DIR, 'models/abstract-gpt');
  const plan = JSON.stringify(makePlan(modelDir, opts.runs));
  mkdirSync(CACHE, { recursive: true });
  for (const [from, to] of [[FIREFOX_TEST_EXTENSION_DIR, EXT], [TEST_EXTENSION_DIR, EXT_CHROMIUM]]) {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
    writeFileSync(join(to, 'bench-plan.json'), plan);
    await addBenchPage(to);
  }
  return JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
}

/** Opens the benchmark page in a browser's extension page and waits for its result. */
async function measurePage(open: () => Promise<{ evaluate: (fn: () => unknown) => Promise<unknown> }>, what: string): Promise<any> {
  const page = await open();
  const r: any = await waitFor(() => page.evaluate(() => (window as any).__benchResult).catch(() => undefined), (v) => v !== undefined && v !== null, 300_000, what);
  if (!r.ok) throw new Error(r.error);
  return r;
}

export async function runFirefox(opts: BenchOptions, log: (line: string) => void = makeLog('firefox')) {
  const cfg = await stage(opts, log);
  const firefoxVersion = execFileSync(FIREFOX_PATH, ['--version'], { encoding: 'utf8' }).trim();
  const results: any[] = [];
  const chromiumResults: any[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    log(`firefox: bundled model, ours, 1 thread, round ${round + 1}/${opts.rounds}`);
    const f = await launchFirefox({ extensionDir: EXT });
    try {
      results.push(await measurePage(() => f.openExtensionPage(BENCH_PAGE), 'the Firefox benchmark page'));
    } finally {
      await f.close();
    }
    log(`  ${summary(results.at(-1))}`);
    log(`chromium (for scale): the same page, 1 thread, as an extension tab, round ${round + 1}/${opts.rounds}`);
    // Timers unthrottled, as in the speed table.
    const c = await launch({ extensionDir: EXT_CHROMIUM, serve: false, extraArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'] });
    try {
      chromiumResults.push(await measurePage(() => c.openExtensionPage(BENCH_PAGE), 'the Chromium benchmark page'));
    } finally {
      await c.close();
    }
    log(`  ${summary(chromiumResults.at(-1))}`);
  }
  const out = {
    date: new Date().toISOString(),
    quick: opts.quick,
    firefox: firefoxVersion,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadAverage() },
    model: { layers: cfg.n_layer, d: cfg.n_embd, vocab: cfg.vocab_size, ctx: cfg.n_positions },
    runs: opts.runs,
    rounds: opts.rounds,
    best: bestRound(results),
    all: results,
    chromium_1_thread_same_run: { best: bestRound(chromiumResults), all: chromiumResults },
  };
  const file = writeResult('firefox', out);
  console.log(`\n${firefoxTable(out, relative(ROOT, file))}`);
  return out;
}

if (isMain(import.meta.url)) await runFirefox(parseOptions());
