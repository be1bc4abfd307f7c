/**
 * Per-keystroke cost of inline suggestions in Node: an abstract typed one
 * character at a time, with suggest() (lib/suggest/suggester.ts, default
 * inline settings) asked before each character, as after a pause at every
 * keystroke (the worst case: the extension asks only after a pause). Two
 * requests per keystroke are timed: the ghost text alone (count 1, what a
 * pause shows first) and the ghost with its alternatives (settings.candidates).
 * Prints a table and writes bench/results/typing-cost-<date>.json and typing-cost-latest.json.
 *   tsx bench/typing-cost.ts [--quick]     (one child process per thread count: ORT fixes threads per process)
 *   tsx bench/typing-cost.ts --child N     (one measurement, prints RESULT {json})
 */
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../lib/engine/index';
import { DEFAULT_INLINE_SETTINGS } from '../lib/suggest/inline-settings';
import { suggest } from '../lib/suggest/suggester';
import { runResultChild } from './lib/child';
import { typingCostTable } from './lib/doc-tables';
import { FIRST_ABSTRACT } from './lib/prompts';
import { percentile } from './lib/percentile';
import { isMain, makeLog, parseOptions, type BenchOptions } from './lib/options';
import { machineInfo, writeResult } from './lib/results';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODEL_DIR = join(ROOT, 'public/models/abstract-gpt');
const THREADS = [1, 2];
/** Typing starts after the 6th word, like the simulated writer. */
const START = FIRST_ABSTRACT.split(' ').slice(0, 5).join(' ').length + 1;

const round = (x: number) => Math.round(x * 10) / 10;

async function child(threads: number, quick: boolean) {
  const engine = await loadEngine(MODEL_DIR, { threads });
  const text = quick ? FIRST_ABSTRACT.slice(0, 300) : FIRST_ABSTRACT;
  const ghost: number[] = [];
  const all: number[] = [];
  let shown = 0;
  try {
    // One untimed request: the first prefill of the page's text is not a keystroke.
    await suggest(engine, text.slice(0, START), { count: 1, cacheKey: 'bench' });
    for (let pos = START; pos <= text.length; pos++) {
      const typed = text.slice(0, pos);
      let t = performance.now();
      const [g] = await suggest(engine, typed, { count: 1, cacheKey: 'bench' });
      ghost.push(performance.now() - t);
      if (g) shown++;
      t = performance.now();
      await suggest(engine, typed, { count: DEFAULT_INLINE_SETTINGS.candidates, cacheKey: 'bench' });
      all.push(performance.now() - t);
    }
  } finally {
    await engine.dispose();
  }
  return {
    threads,
    threads_used: engine.info.threads,
    keystrokes: ghost.length,
    ghosts_shown: shown,
    ghost_p50_ms: round(percentile(ghost, 0.5)),
    ghost_p95_ms: round(percentile(ghost, 0.95)),
    with_alternatives_p50_ms: round(percentile(all, 0.5)),
    with_alternatives_p95_ms: round(percentile(all, 0.95)),
  };
}

export async function runTypingCost(opts: BenchOptions, log: (line: string) => void = makeLog('typing-cost')) {
  const rows = [];
  for (const threads of THREADS) {
    log(`${threads} thread(s)`);
    rows.push(await runResultChild(fileURLToPath(import.meta.url), ['--child', String(threads), ...(opts.quick ? ['--quick'] : [])], `typing-cost child (${threads} threads)`));
  }
  const result = {
    date: new Date().toISOString(),
    quick: opts.quick,
    settings: { minConfidence: DEFAULT_INLINE_SETTINGS.minConfidence, maxWords: DEFAULT_INLINE_SETTINGS.maxWords, candidates: DEFAULT_INLINE_SETTINGS.candidates },
    machine: machineInfo(),
    results: rows,
  };
  const file = writeResult('typing-cost', result);
  console.log(`\nTyping cost in Node (suggest() before each keystroke, bundled model, default inline settings)\n${typingCostTable(result, relative(ROOT, file))}`);
  return result;
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const childArg = argv.indexOf('--child');
  if (childArg >= 0) console.log(`RESULT ${JSON.stringify(await child(Number(argv[childArg + 1]), argv.includes('--quick')))}`);
  else await runTypingCost(parseOptions());
}
