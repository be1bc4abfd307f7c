/**
 * The Node rows of the speed table (full runs only): ours and the raw loop on
 * onnxruntime-web's WASM build, transformers.js on native onnxruntime-node
 * (the native ceiling). One process per configuration (bench/node-runner.ts):
 * ORT fixes its thread count per process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness';
import { summary } from './chromium';
import { runResultChild } from './lib/child';
import type { BenchOptions } from './lib/options';
import type { Row } from './lib/report';
import { pick, RUNNERS, THREADS } from './lib/rounds';
import { CACHE, type BenchPlan } from './plan';

export async function runNode(plan: BenchPlan, opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const m of plan.models) {
      const planFile = join(CACHE, `plan-${m.key}.json`);
      writeFileSync(planFile, JSON.stringify(plan.plans.get(m.key)));
      for (const threads of THREADS) {
        for (const runner of RUNNERS) {
          log(`node ${m.key} ${runner} ${threads} thread(s), round ${round + 1}/${opts.rounds}`);
          const r = await runResultChild(join(ROOT, 'bench/node-runner.ts'), [runner, String(threads), m.dir, planFile], `node ${runner} ${threads}`);
          rows.push({ env: 'node', model: m.key, runner, threads, ...pick(r) });
          log(summary(r));
        }
      }
    }
  }
  return rows;
}
