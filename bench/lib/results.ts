/**
 * Where the bench writes what it measured: `bench/results/<kind>-<date>.json`
 * (one per run, kept) and `bench/results/<kind>-latest.json`, the file the
 * docs' generated regions are rendered from (`npm run bench:report`). The
 * Chromium/Node speed table keeps its historical names: `<date>.json` and
 * `latest.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not e2e/harness's ROOT: a phase without a browser (server-latency) should not load playwright to save a file.
const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

export type ResultKind = 'speed' | 'typing-cost' | 'typing' | 'soak' | 'firefox' | 'run' | 'server-latency';

const prefix = (kind: ResultKind) => (kind === 'speed' ? '' : `${kind}-`);

/** Writes the dated file and the kind's latest file; returns the dated file's path. */
export function writeResult(kind: ResultKind, result: { date: string; quick?: boolean; [field: string]: unknown }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = result.date.replace(/[:]/g, '-').replace(/\..*/, '');
  const file = join(RESULTS_DIR, `${prefix(kind)}${stamp}${result.quick ? '-quick' : ''}.json`);
  const text = JSON.stringify(result, null, 2) + '\n';
  writeFileSync(file, text);
  writeFileSync(join(RESULTS_DIR, `${prefix(kind)}latest.json`), text);
  return file;
}

/** The 1/5/15-minute load average, recorded in every result: the machine's cores are shared, so it says how disturbed a run was. */
export const loadAverage = () => loadavg().map((x) => Math.round(x * 100) / 100);

/** The machine a result was measured on, with the load average at the end of the run. */
export const machineInfo = () => ({ cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, load_average_at_end: loadAverage() });
