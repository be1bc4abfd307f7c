/** The speed table's result file (bench/results/latest.json): machine, packed size, models, probe, best-of-rounds rows with ratios. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../../e2e/harness';
import type { ChromiumResult } from '../chromium';
import type { BenchPlan } from '../plan';
import type { BenchOptions } from './options';
import { renderTable, withRatios, type Row } from './report';
import { machineInfo, writeResult } from './results';
import { bestOf } from './rounds';

export function writeSpeedResult(plan: BenchPlan, chromium: ChromiumResult, nodeRows: Row[], opts: BenchOptions, seconds: number) {
  const models = Object.fromEntries(
    plan.models.map((m) => {
      const c = JSON.parse(readFileSync(join(m.dir, 'config.json'), 'utf8'));
      const draft = join(m.dir, 'draft-ngrams.bin');
      return [m.key, { dir: relative(ROOT, m.dir), n_layer: c.n_layer, n_embd: c.n_embd, n_head: c.n_head, vocab_size: c.vocab_size, n_positions: c.n_positions, onnx_bytes: statSync(join(m.dir, 'onnx/model_quantized.onnx')).size, draft_table_bytes: existsSync(draft) ? statSync(draft).size : null, note: m.note }];
    }),
  );
  const result = {
    date: new Date().toISOString(),
    quick: opts.quick,
    runs: opts.runs,
    machine: {
      ...machineInfo(),
      memory_gb: Math.round(totalmem() / 2 ** 30),
      chromium: chromium.version,
      note: "shared 2-core machine: other engineers' tests may run at the same time (see load_average_at_end)",
    },
    packed_extension: plan.packed,
    models,
    int8_matmul_probe: chromium.matmul,
    rounds: opts.rounds,
    results: withRatios(bestOf([...chromium.rows, ...nodeRows])),
    wall_s: Math.round(seconds),
  };
  const file = writeResult('speed', result);
  console.log(renderTable(result));
  return { result, file };
}
