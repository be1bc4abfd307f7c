/**
 * The long soak (the short one runs in `npm test`, e2e/soak.test.ts): the same
 * driver (e2e/soak.ts) over many more rounds, with the worker killed halfway.
 * Prints a table and writes bench/results/soak-<date>.json and soak-latest.json.
 *   tsx bench/soak.ts [--quick] [--soak-rounds N]
 * `npm run bench` runs it after the typing runs (250 rounds; --quick: 100).
 */
import { relative } from 'node:path';
import { launch, ROOT } from '../e2e/harness';
import { runSoak, SOAK_LAUNCH } from '../e2e/soak';
import { soakTable } from './lib/doc-tables';
import { isMain, makeLog, parseOptions, type BenchOptions } from './lib/options';
import { machineInfo, writeResult } from './lib/results';

const MAX_NEW_TOKENS = 16;

/** Rounds of four generations (three tabs and the popup); --soak-rounds N overrides. */
function soakRounds(opts: BenchOptions, argv = process.argv.slice(2)): number {
  const i = argv.indexOf('--soak-rounds');
  return i >= 0 ? Number(argv[i + 1]) : opts.quick ? 100 : 250;
}

export async function runBenchSoak(opts: BenchOptions, log: (line: string) => void = makeLog('soak')) {
  const rounds = soakRounds(opts);
  const killAtRound = Math.floor(rounds / 2);
  const h = await launch(SOAK_LAUNCH);
  let report;
  try {
    await h.evalInWorker(async (maxNewTokens) => {
      const { settings } = await chrome.storage.sync.get('settings');
      await chrome.storage.sync.set({ settings: { ...(settings ?? {}), maxNewTokens, stopAtSentenceEnd: false } });
    }, MAX_NEW_TOKENS);
    report = await runSoak(h, { rounds, killAtRound, baselineAfter: 10, log });
    h.assertNoExternalRequests();
  } finally {
    await h.close();
  }

  const ok = report.stuck.length === 0 && report.damagedTexts.length === 0 && report.growth <= 0.1;
  const result = {
    date: new Date().toISOString(),
    quick: opts.quick,
    rounds,
    kill_at_round: killAtRound,
    max_new_tokens: MAX_NEW_TOKENS,
    machine: machineInfo(),
    ...report,
    pass: ok,
  };
  const file = writeResult('soak', result);

  console.log(`\nSoak: three tabs + the popup, cancels, supersedes, a killed worker\n${soakTable(result, relative(ROOT, file))}`);
  return result;
}

if (isMain(import.meta.url)) process.exit((await runBenchSoak(parseOptions())).pass ? 0 : 1);
