/**
 * The long soak (the short one runs in `npm test`, e2e/soak.test.ts): the same
 * driver (e2e/soak.ts) over many more rounds, with the worker killed halfway.
 * Prints a table and writes bench/results/soak-<date>.json.
 *   tsx bench/soak.ts [--quick] [--rounds N]
 * `npm run bench` runs it after the speed benchmark (with --quick: 100 rounds).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { launch, ROOT } from '../e2e/harness';
import { runSoak, SOAK_LAUNCH } from '../e2e/soak';

const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : args.includes('--quick') ? 100 : 250;
const MAX_NEW_TOKENS = 16;

const h = await launch(SOAK_LAUNCH);
let report;
try {
  await h.evalInWorker(async (maxNewTokens) => {
    const { settings } = await chrome.storage.sync.get('settings');
    await chrome.storage.sync.set({ settings: { ...(settings ?? {}), maxNewTokens, stopAtSentenceEnd: false } });
  }, MAX_NEW_TOKENS);
  report = await runSoak(h, { rounds, killAtRound: Math.floor(rounds / 2), baselineAfter: 10, log: (l) => console.error(`[soak] ${l}`) });
  h.assertNoExternalRequests();
} finally {
  await h.close();
}

const ok = report.stuck.length === 0 && report.damagedTexts.length === 0 && report.growth <= 0.1;
const result = {
  date: new Date().toISOString(),
  rounds,
  max_new_tokens: MAX_NEW_TOKENS,
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, load_average_at_end: loadavg().map((x) => Math.round(x * 100) / 100) },
  ...report,
  pass: ok,
};
const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `soak-${result.date.replace(/[:]/g, '-').replace(/\..*/, '')}.json`);
writeFileSync(file, JSON.stringify(result, null, 2) + '\n');

const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const table: Array<[string, string]> = [
  ['generations', String(report.generations)],
  ...Object.entries(report.outcomes).sort().map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
  ['jobs that never ended', String(report.stuck.length)],
  ['user texts changed', String(report.damagedTexts.length)],
  ['offscreen memory after 10', mib(report.baselineBytes)],
  [`offscreen memory after ${report.generations}`, mib(report.finalBytes)],
  ['growth (bar ≤ 10%)', `${(report.growth * 100).toFixed(1)}%`],
  ['wall time', `${report.seconds.toFixed(0)} s`],
  ['result', ok ? 'PASS' : 'FAIL'],
];
const width = Math.max(...table.map(([k]) => k.length));
console.log(`\nSoak: ${rounds} rounds (three tabs + the popup, cancels, supersedes, a killed worker)`);
for (const [k, v] of table) console.log(`${k.padEnd(width)}  ${v}`);
console.log(`→ ${file}`);
process.exit(ok ? 0 : 1);
