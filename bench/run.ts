/**
 * npm run bench [-- --quick] [-- --runs N] [-- --rounds N] [-- --rebuild]
 *
 * Runs the benchmark's phases in order, each its own module, and times them:
 *   plan         bench/plan.ts         builds, models, plans, staged pages
 *   chromium     bench/chromium.ts     the speed table in Chromium (ours, raw loop, transformers.js; threads 1 and 2)
 *   node         bench/node.ts         the same in Node (full runs only)
 *   typing-cost  bench/typing-cost.ts  suggest() before every keystroke, Node
 *   typing       bench/typing.ts       an abstract typed into the Overleaf-like editor, Chromium
 *   soak         bench/soak.ts         many generations from three tabs and the popup
 *   firefox      bench/firefox.ts      the engine single-threaded in Firefox
 * then rewrites the generated regions of README.md and docs/PERFORMANCE.md
 * from the results files (bench/report.ts, also `npm run bench:report`).
 * A new phase is one module exporting `run…(opts, log)` and one line below.
 * Each phase writes bench/results/<kind>-<date>.json and <kind>-latest.json;
 * the phase timings go to bench/results/run-latest.json (saved after every
 * phase, `complete: false` until the last one).
 */
import { cpus } from 'node:os';
import { runChromium } from './chromium';
import { runFirefox } from './firefox';
import { makeLog, parseOptions } from './lib/options';
import { loadAverage, writeResult } from './lib/results';
import { writeSpeedResult } from './lib/speed-result';
import { runNode } from './node';
import { planBench } from './plan';
import { writeReport } from './report';
import { runBenchSoak } from './soak';
import { runTyping } from './typing';
import { runTypingCost } from './typing-cost';

const opts = parseOptions();
const log = makeLog('bench');
const started = performance.now();
const phases: Array<{ name: string; seconds: number }> = [];
const failures: string[] = [];
const startedAt = new Date().toISOString();
/** Saved after every phase, so an interrupted run still says where its time went. */
function saveRecord(complete: boolean) {
  const record = { date: startedAt, quick: opts.quick, runs: opts.runs, rounds: opts.rounds, complete, wall_s: Math.round((performance.now() - started) / 1000), phases, failures, cores: cpus().length, load_average_at_end: loadAverage() };
  writeResult('run', record);
  return record;
}

/** Runs one phase and records its wall time; a failed phase is reported and the others still run. */
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  const t = performance.now();
  log(`── ${name}`);
  try {
    return await fn();
  } catch (e) {
    failures.push(`${name}: ${(e as Error).message ?? e}`);
    log(`${name} FAILED: ${(e as Error).stack ?? e}`);
    return undefined;
  } finally {
    phases.push({ name, seconds: Math.round((performance.now() - t) / 100) / 10 });
    log(`── ${name} took ${phases.at(-1)!.seconds} s`);
    saveRecord(false);
  }
}

const plan = await phase('plan', () => planBench(opts, log));
if (plan) {
  const chromium = await phase('chromium', () => runChromium(plan, opts, log));
  const nodeRows = opts.quick ? [] : await phase('node', () => runNode(plan, opts, log));
  if (chromium && nodeRows) writeSpeedResult(plan, chromium, nodeRows, opts, (performance.now() - started) / 1000);
}
await phase('typing-cost', () => runTypingCost(opts));
await phase('typing', () => runTyping(opts));
const soak = await phase('soak', () => runBenchSoak(opts));
if (soak && !soak.pass) failures.push('soak: FAIL (see its table)');
await phase('firefox', () => runFirefox(opts));

const { wall_s: wall } = saveRecord(true);
log(`done in ${wall} s: ${phases.map((p) => `${p.name} ${p.seconds} s`).join(', ')}`);
log('── report (npm run bench:report)');
writeReport();
if (failures.length) {
  console.error(`\n${failures.length} phase(s) failed:\n${failures.join('\n')}`);
  process.exit(1);
}
