/**
 * Planning for the speed table (bench/chromium.ts, bench/node.ts): builds
 * what is missing (the test extension, the production build whose packed
 * size is reported, the DistilGPT2-shaped model for full runs, the int8
 * MatMul probe), writes one plan (prompts, token counts, runs) per model, and
 * stages the extension copy with the benchmark page and the transformers.js
 * page, both opened as its offscreen document. Everything it makes lives in
 * bench/cache/ (gitignored).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ROOT, TEST_EXTENSION_DIR } from '../e2e/harness';
import { addBenchPage, addTjsPage } from './lib/bench-page';
import type { Plan } from './lib/measure';
import type { BenchOptions } from './lib/options';
import { makePlan } from './lib/prompts';

export const CACHE = join(ROOT, 'bench', 'cache');
const PY = '/usr/bin/python3';
const PUBLIC_MODEL = join(ROOT, 'public/models/abstract-gpt');

export interface ModelSpec {
  key: 'bundled' | 'distilgpt2-shape';
  dir: string;
  note?: string;
}

export interface BenchPlan {
  models: ModelSpec[];
  plans: Map<string, Plan>;
  packed: ReturnType<typeof packedSize>;
  /** The extension copy with bench.html, tjs.html (+ tjs-ort/), the models under models/bench-KEY/ and the plans. */
  extDir: string;
}

export function sh(cmd: string, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(cmd, argv, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** A build is stale when any file of the bundled model directory is missing from it or differs (a rebuilt draft table keeps its size). */
function modelStale(buildDir: string): boolean {
  return walk(PUBLIC_MODEL).some((f) => {
    const built = join(buildDir, 'models/abstract-gpt', relative(PUBLIC_MODEL, f));
    return !existsSync(built) || statSync(built).size !== statSync(f).size || !readFileSync(built).equals(readFileSync(f));
  });
}

/** The packed extension: zip of the build, with a check that the ORT wasm ships exactly once. */
function packedSize(dir: string) {
  const zip = join(CACHE, `${basename(dir)}.zip`);
  rmSync(zip, { force: true });
  sh('zip', ['-q', '-r', '-X', '-9', zip, '.'], { cwd: dir });
  const files = walk(dir);
  const wasm = files.filter((f) => f.endsWith('.wasm')).map((f) => relative(dir, f));
  const bigJs = files.filter((f) => /\.m?js$/.test(f) && statSync(f).size > 2_000_000).map((f) => relative(dir, f));
  const model = join(dir, 'models/abstract-gpt/onnx/model_quantized.onnx');
  return {
    dir: relative(ROOT, dir),
    packed_bytes: statSync(zip).size,
    unpacked_bytes: files.reduce((n, f) => n + statSync(f).size, 0),
    wasm_files: wasm,
    ort_wasm_shipped_once: wasm.filter((f) => /ort-wasm/.test(f)).length === 1 && bigJs.length === 0,
    model_bytes: existsSync(model) ? statSync(model).size : null,
  };
}

/** Builds `dir` with `npm run SCRIPT` when it is missing, asked for (--rebuild), or ships another model than public/. */
export function ensureBuild(dir: string, script: string, opts: BenchOptions, log: (s: string) => void): void {
  if (!opts.rebuild && existsSync(join(dir, 'manifest.json')) && !modelStale(dir)) return;
  log(`building ${relative(ROOT, dir)} (npm run ${script})`);
  sh('npm', ['run', script]);
}

function ensureBuilds(opts: BenchOptions, log: (s: string) => void) {
  ensureBuild(TEST_EXTENSION_DIR, 'build:test', opts, log);
  // The production build (what users install), built into bench/cache so .output/ is left alone.
  const prodOut = join(CACHE, 'prod-build');
  const prodDir = join(prodOut, 'chrome-mv3');
  if (opts.rebuild || !existsSync(join(prodDir, 'manifest.json')) || modelStale(prodDir)) {
    log('building the production extension (wxt build → bench/cache/prod-build)');
    sh('npx', ['wxt', 'build'], { env: { ...process.env, AA_OUT_DIR: prodOut } });
  }
  return prodDir;
}

function chooseModels(opts: BenchOptions, log: (s: string) => void): ModelSpec[] {
  const models: ModelSpec[] = [];
  const dir = join(TEST_EXTENSION_DIR, 'models/abstract-gpt');
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  if (cfg.n_positions >= 320) models.push({ key: 'bundled', dir });
  else {
    // The shipped model is still the tiny fixture: measure a random-weight stand-in of the bundled shape.
    const standIn = join(CACHE, 'bundled-shape');
    if (!existsSync(join(standIn, 'onnx/model_quantized.onnx'))) sh(PY, ['bench/make_distilgpt2_shape.py', standIn, '--shape', 'bundled']);
    models.push({ key: 'bundled', dir: standIn, note: `build ships a ${cfg.n_layer}-layer n_positions=${cfg.n_positions} fixture; measured a random-weight stand-in of the bundled shape` });
  }
  if (!opts.quick) {
    const shaped = join(CACHE, 'distilgpt2-shape');
    if (!existsSync(join(shaped, 'onnx/model_quantized.onnx'))) {
      log('building the DistilGPT2-shaped model (bench/cache/distilgpt2-shape)');
      sh(PY, ['bench/make_distilgpt2_shape.py', shaped]);
    }
    models.push({ key: 'distilgpt2-shape', dir: shaped });
  }
  return models;
}

/** The int8 MatMul probe model (768×3072), made once. */
export function matmulProbe(): string {
  const file = join(CACHE, 'matmul-768x3072.onnx');
  if (!existsSync(file)) sh(PY, ['bench/make_matmul_probe.py', file, '768', '3072']);
  return file;
}

export async function planBench(opts: BenchOptions, log: (s: string) => void): Promise<BenchPlan> {
  mkdirSync(CACHE, { recursive: true });
  const prodDir = ensureBuilds(opts, log);
  const packed = packedSize(prodDir);
  log(`packed extension ${(packed.packed_bytes / 2 ** 20).toFixed(2)} MiB (${packed.dir}); ort wasm once: ${packed.ort_wasm_shipped_once} (${packed.wasm_files.join(', ')})`);
  const models = chooseModels(opts, log);
  const plans = new Map<string, Plan>();
  for (const m of models) plans.set(m.key, makePlan(m.dir, opts.runs));

  const extDir = join(CACHE, 'ext');
  rmSync(extDir, { recursive: true, force: true });
  cpSync(TEST_EXTENSION_DIR, extDir, { recursive: true });
  for (const m of models) {
    // Both pages read it there: ours as `models/bench-KEY/`, transformers.js as the model `bench-KEY` under /models/.
    cpSync(m.dir, join(extDir, 'models', `bench-${m.key}`), { recursive: true });
    writeFileSync(join(extDir, `bench-plan-${m.key}.json`), JSON.stringify(plans.get(m.key)));
  }
  cpSync(matmulProbe(), join(extDir, 'bench-matmul.onnx'));
  await addBenchPage(extDir);
  await addTjsPage(extDir);
  return { models, plans, packed, extDir };
}
