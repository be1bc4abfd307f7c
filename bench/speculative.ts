/**
 * Decode speed with and without speculative drafting, in Node, calls
 * interleaved: off, prompt lookup only (engine loaded without its draft
 * table), prompt lookup + the draft table. Reports tokens/s, forward runs per
 * token, acceptance, and how often the output differs from the run without
 * drafts (int8 quantizes activations per run, so multi-token runs can round
 * differently; sampling with a seed is otherwise identical).
 *
 *   npx tsx bench/speculative.ts [MODEL_DIR] [THREADS] [ROUNDS] [--sample] [--bench-prompts]
 *   (default public/models/abstract-gpt, 1, 3; greedy unless --sample, which uses the default settings)
 */
import { loadEngine, type Engine } from '../lib/engine';
import { DEFAULT_SAMPLING } from '../lib/engine/sampling-options';
import { median } from './lib/measure';
import { BENCH_GREEDY } from './lib/ours-runner';
import { makePrompts } from './lib/prompts';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const dir = positional[0] ?? 'public/models/abstract-gpt';
const threads = Number(positional[1] ?? 1);
const rounds = Number(positional[2] ?? 3);
const sample = process.argv.includes('--sample');
const engines: Record<string, Engine> = {
  lookup: await loadEngine(dir, { threads, prefixCache: false, draftTable: false }),
  table: await loadEngine(dir, { threads, prefixCache: false }),
};
if (engines.table.info.draftTableEntries === 0) console.log(`note: ${dir} has no draft table (${engines.table.info.warnings.join('; ') || 'no draft-ngrams.bin'})`);
const prompts = process.argv.includes('--bench-prompts')
  ? makePrompts(dir).prompts16
  : ['We propose a method to', 'In this paper, we study the problem of', 'Graph neural networks', 'Deep reinforcement learning',
    'We introduce a new dataset for', 'Recent advances in large language models', 'The main contribution of this work is', 'Bayesian optimization is'];
const base = sample
  ? { ...DEFAULT_SAMPLING, maxNewTokens: 64, ignoreEos: true, tokenHealing: false }
  : { ...BENCH_GREEDY, maxNewTokens: 64 };
const MODES = [
  { name: 'off', engine: 'lookup', speculative: false },
  { name: 'lookup', engine: 'lookup', speculative: true },
  { name: 'lookup+table', engine: 'table', speculative: true },
] as const;
const totals: Record<string, { ms: number[]; runs: number; drafted: number; accepted: number; differ: number }> = {};
for (const m of MODES) totals[m.name] = { ms: [], runs: 0, drafted: 0, accepted: 0, differ: 0 };
for (const [pi, p] of prompts.entries()) {
  for (let r = 0; r < rounds + 1; r++) {
    const seed = 1000 * pi + r;
    let reference = '';
    for (const m of r % 2 ? [...MODES].reverse() : MODES) {
      const res = await engines[m.engine].generate(p, { ...base, seed, speculative: m.speculative });
      const t = totals[m.name];
      if (r > 0) t.ms.push(res.totalMs);
      t.runs += res.speculation?.runs ?? 0;
      t.drafted += res.speculation?.drafted ?? 0;
      t.accepted += res.speculation?.accepted ?? 0;
      if (m.name === 'off') reference = res.text;
      else if (reference && res.text !== reference) t.differ++;
    }
  }
}
const rows = MODES.map((m) => {
  const t = totals[m.name];
  const tps = (64 / median(t.ms)) * 1000;
  const calls = prompts.length * (rounds + 1);
  // Each accepted draft token saves one forward run.
  const runsPerCall = (calls * 64 - t.accepted) / calls;
  return { mode: m.name, 'tok/s': tps.toFixed(1), 'vs off': '', 'runs/64 tok': runsPerCall.toFixed(1), drafted: t.drafted, accepted: t.accepted, acceptance: t.drafted ? ((100 * t.accepted) / t.drafted).toFixed(0) + ' %' : '-', 'differs from off': m.name === 'off' ? '-' : `${t.differ}/${prompts.length * (rounds + 1)}` };
});
for (const r of rows) r['vs off'] = (Number(r['tok/s']) / Number(rows[0]['tok/s'])).toFixed(2) + '×';
console.log(`${sample ? 'sampling (default settings)' : 'greedy'}, ${threads} thread(s), ${prompts.length} prompts × ${rounds} timed rounds, 64 tokens, median total time`);
console.table(rows);
process.exit(0);
