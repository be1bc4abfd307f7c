/**
 * Where the bench writes what it measured: `bench/results/<kind>-<date>.json`
 * (one per run, kept) and `bench/results/<kind>-latest.json`, the file the
 * docs' generated regions are rendered from (`npm run bench:report`). The
 * Chromium/Node speed table keeps its historical names: `<date>.json` and
 * `latest.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../e2e/harness';

export const RESULTS_DIR = join(ROOT, 'bench', 'results');

export type ResultKind = 'speed' | 'typing-cost' | 'typing' | 'soak' | 'firefox' | 'run';

const prefix = (kind: ResultKind) => (kind === 'speed' ? '' : `${kind}-`);

/** The file name of a kind's latest result. */
export const latestName = (kind: ResultKind) => `${prefix(kind)}latest.json`;

/** Writes the dated file and the kind's latest file; returns the dated file's path. */
export function writeResult(kind: ResultKind, result: { date: string; quick?: boolean; [field: string]: unknown }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = result.date.replace(/[:]/g, '-').replace(/\..*/, '');
  const file = join(RESULTS_DIR, `${prefix(kind)}${stamp}${result.quick ? '-quick' : ''}.json`);
  const text = JSON.stringify(result, null, 2) + '\n';
  writeFileSync(file, text);
  writeFileSync(join(RESULTS_DIR, latestName(kind)), text);
  return file;
}

/** Reads a committed result file by its name under bench/results/. */
export function readResult(name: string): any {
  return JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8'));
}
