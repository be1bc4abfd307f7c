/**
 * The Node rows of the speed table (full runs only): ours and the raw loop on
 * onnxruntime-web's WASM build, transformers.js on native onnxruntime-node
 * (the native ceiling). One process per configuration (bench/node-runner.ts):
 * ORT fixes its thread count per process.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../e2e/harness';
import { summary } from './chromium';
import type { BenchOptions } from './lib/options';
import type { Row } from './lib/report';
import { pick, THREADS, type RunnerName } from './lib/rounds';
import { CACHE, type BenchPlan } from './plan';

const RUNNERS: RunnerName[] = ['ours', 'raw', 'transformersjs'];

function nodeRun(runner: string, threads: number, dir: string, planFile: string): Promise<any> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/node-runner.ts'), runner, String(threads), dir, planFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) ok(JSON.parse(line.slice(7)));
      else fail(new Error(`node ${runner} ${threads} exited ${code}: ${out.slice(-500)}`));
    });
  });
}

export async function runNode(plan: BenchPlan, opts: BenchOptions, log: (s: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    for (const m of plan.models) {
      const planFile = join(CACHE, `plan-${m.key}.json`);
      writeFileSync(planFile, JSON.stringify(plan.plans.get(m.key)));
      for (const threads of THREADS) {
        for (const runner of RUNNERS) {
          log(`node ${m.key} ${runner} ${threads} thread(s), round ${round + 1}/${opts.rounds}`);
          const r = await nodeRun(runner, threads, m.dir, planFile);
          rows.push({ env: 'node', model: m.key, runner, threads, ...pick(r) });
          log(summary(r));
        }
      }
    }
  }
  return rows;
}
