/**
 * npm run bench (after the Chromium table and the soak) or
 * `npx tsx bench/firefox.ts [--runs N] [--rounds N] [--rebuild]`:
 * decode speed of our engine in Firefox, where it runs single-threaded
 * (extension pages are not cross-origin isolated, so no SharedArrayBuffer).
 *
 * Same measurement as bench/run.ts's `ours` runner (bench/pages/ext-bench.ts,
 * bench/lib/measure.ts; the bundled model, 64 new tokens, EOS ignored), in an
 * extension page of the Firefox test build: the same origin, CSP, shipped
 * ort/ files and thread count as the background page that hosts the engine.
 * For scale, each round also runs the same page, forced to 1 thread, in
 * Chromium (the Chrome test build, as an extension tab), so the ratio is
 * between runs minutes apart under the same load.
 * Writes bench/results/firefox-latest.json and rewrites the
 * `bench:firefox` section of docs/PERFORMANCE.md.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { launch, ROOT, TEST_EXTENSION_DIR } from '../e2e/harness';
import { FIREFOX_PATH, FIREFOX_TEST_EXTENSION_DIR, launchFirefox, waitFor } from '../e2e/firefox/harness';
import { makePrompts } from './lib/prompts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RUNS = flag('--runs', 7);
/** Best of interleaved rounds, as in bench/run.ts (other processes share the 2 cores). */
const ROUNDS = flag('--rounds', 2);
const CACHE = join(ROOT, 'bench', 'cache');
const EXT = join(CACHE, 'ext-firefox');
const EXT_CHROMIUM = join(CACHE, 'ext-firefox-cmp-chromium');
const log = (s: string) => console.error(`[bench firefox] ${s}`);

for (const [dir, script] of [[FIREFOX_TEST_EXTENSION_DIR, 'build:test:firefox'], [TEST_EXTENSION_DIR, 'build:test']]) {
  if (!args.includes('--rebuild') && existsSync(join(dir, 'manifest.json'))) continue;
  log(`building ${dir} (npm run ${script})`);
  execFileSync('npm', ['run', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
const modelDir = join(FIREFOX_TEST_EXTENSION_DIR, 'models/abstract-gpt');
const cfg = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));

const plan = JSON.stringify({ ...makePrompts(modelDir), newTokens: 64, ttftRuns: RUNS, decodeRuns: RUNS });
mkdirSync(CACHE, { recursive: true });
for (const [from, to] of [[FIREFOX_TEST_EXTENSION_DIR, EXT], [TEST_EXTENSION_DIR, EXT_CHROMIUM]]) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  writeFileSync(join(to, 'bench-plan.json'), plan);
  await build({
    entryPoints: [join(ROOT, 'bench/pages/ext-bench.ts')],
    outfile: join(to, 'bench-ext.js'),
    external: ['node:*'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(join(to, 'bench.html'), '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench-ext.js"></script>');
}
const BENCH_PAGE = `bench.html?${new URLSearchParams({ runner: 'ours', threads: '1', model: 'models/abstract-gpt/', plan: 'bench-plan.json' })}`;
const summary = (r: any) => `cold ${r.cold_start_ms} ms, ttft16 ${r.ttft_ms_16} ms, ${r.decode_tokens_per_s} tok/s (${r.decode_tokens_per_s_varied} over varied prompts), isolated ${r.cross_origin_isolated}`;

/** The same page in Chromium, 1 thread, as an extension tab (timers unthrottled, as in bench/run.ts). */
async function chromiumRound(): Promise<any> {
  const c = await launch({ extensionDir: EXT_CHROMIUM, serve: false, extraArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'] });
  try {
    const page = await c.openExtensionPage(BENCH_PAGE);
    const r: any = await waitFor(() => page.evaluate(() => (window as any).__benchResult).catch(() => undefined), (v) => v !== undefined && v !== null, 300_000, 'the Chromium benchmark page');
    if (!r.ok) throw new Error(r.error);
    return r;
  } finally {
    await c.close();
  }
}

const firefoxVersion = execFileSync(FIREFOX_PATH, ['--version'], { encoding: 'utf8' }).trim();
const results: any[] = [];
const chromiumResults: any[] = [];
for (let round = 0; round < ROUNDS; round++) {
  log(`firefox: bundled model, ours, 1 thread, round ${round + 1}/${ROUNDS}`);
  const h = await launchFirefox({ extensionDir: EXT });
  try {
    const page = await h.openExtensionPage(BENCH_PAGE);
    const r: any = await waitFor(() => page.evaluate(() => (window as any).__benchResult).catch(() => undefined), (v) => v !== undefined && v !== null, 300_000, 'the Firefox benchmark page');
    if (!r.ok) throw new Error(r.error);
    log(`  ${summary(r)}`);
    results.push(r);
  } finally {
    await h.close();
  }
  log(`chromium (for scale): the same page, 1 thread, round ${round + 1}/${ROUNDS}`);
  const c = await chromiumRound();
  log(`  ${summary(c)}`);
  chromiumResults.push(c);
}
const best = (key: string, rs = results) => Math.max(...rs.map((r) => Number(r[key])));
const bestMin = (key: string) => Math.min(...results.map((r) => Number(r[key])));
const row = {
  decode_tokens_per_s: best('decode_tokens_per_s'),
  decode_tokens_per_s_varied: best('decode_tokens_per_s_varied'),
  ttft_ms_16: bestMin('ttft_ms_16'),
  ttft_ms_256: bestMin('ttft_ms_256'),
  cold_start_ms: bestMin('cold_start_ms'),
  cross_origin_isolated: results.every((r) => r.cross_origin_isolated === true),
};
const chromium1 = { decode_tokens_per_s: best('decode_tokens_per_s', chromiumResults), decode_tokens_per_s_varied: best('decode_tokens_per_s_varied', chromiumResults) };
const out = {
  date: new Date().toISOString(),
  firefox: firefoxVersion,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
  model: { layers: cfg.n_layer, d: cfg.n_embd, vocab: cfg.vocab_size, ctx: cfg.n_positions },
  runs: RUNS,
  rounds: ROUNDS,
  best: row,
  all: results,
  chromium_1_thread_same_run: { best: chromium1, all: chromiumResults },
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/firefox-latest.json'), JSON.stringify(out, null, 2) + '\n');

const ratio = ` — ${(row.decode_tokens_per_s / chromium1.decode_tokens_per_s).toFixed(2)}× Chromium's ${chromium1.decode_tokens_per_s} tok/s on one thread in the same run (${(row.decode_tokens_per_s_varied / chromium1.decode_tokens_per_s_varied).toFixed(2)}× over the varied prompts: ${row.decode_tokens_per_s_varied} vs ${chromium1.decode_tokens_per_s_varied})`;
const md = [
  `Generated by \`npm run bench\` (bench/firefox.ts) on ${out.date}: ${firefoxVersion}, ${RUNS} timed runs per median, best of ${ROUNDS} rounds; ${out.machine.cpus} cores (load ${loadavg().map((x) => x.toFixed(1)).join(' ')}).`,
  '',
  `| env | model | runner | threads | cross-origin isolated | cold start ms | TTFT 16 ms | TTFT 256 ms | decode tok/s | decode tok/s, varied prompts |`,
  `| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |`,
  `| firefox | bundled (${cfg.n_layer} layers, d${cfg.n_embd}) | ours | 1 | ${row.cross_origin_isolated ? 'yes' : 'no'} | ${row.cold_start_ms} | ${row.ttft_ms_16} | ${row.ttft_ms_256} | ${row.decode_tokens_per_s} | ${row.decode_tokens_per_s_varied} |`,
  `| chromium (same run, extension tab) | bundled | ours | 1 | ${chromiumResults.every((r) => r.cross_origin_isolated) ? 'yes' : 'no'} | ${Math.min(...chromiumResults.map((r) => r.cold_start_ms))} | ${Math.min(...chromiumResults.map((r) => r.ttft_ms_16))} | ${Math.min(...chromiumResults.map((r) => r.ttft_ms_256))} | ${chromium1.decode_tokens_per_s} | ${chromium1.decode_tokens_per_s_varied} |`,
  '',
  `Firefox decode: **${row.decode_tokens_per_s} tokens/s, single thread**${ratio}.`,
].join('\n');
const doc = join(ROOT, 'docs/PERFORMANCE.md');
const text = readFileSync(doc, 'utf8');
const START = '<!-- bench:firefox:start -->';
const END = '<!-- bench:firefox:end -->';
if (!text.includes(START)) throw new Error(`docs/PERFORMANCE.md has no ${START} section`);
writeFileSync(doc, text.replace(new RegExp(`${START}[\\s\\S]*?${END}`), `${START}\n${md}\n${END}`));
console.log(md);
