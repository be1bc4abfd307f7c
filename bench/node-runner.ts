/**
 * One Node measurement in its own process (ORT's thread count is fixed per
 * process): `tsx bench/node-runner.ts RUNNER THREADS MODEL_DIR PLAN_JSON`.
 * RUNNER: ours | raw (onnxruntime-web WASM) | transformersjs (its Node
 * default: native onnxruntime-node). Prints one line `RESULT {json}`.
 */
import { installWasmMemoryHooks, MemoryProbe } from './lib/memory';
installWasmMemoryHooks();
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { measure, type Plan, type Runner } from './lib/measure';

const [runnerName, threadsArg, modelDirArg, planPath] = process.argv.slice(2);
const threads = Number(threadsArg);
const modelDir = resolve(modelDirArg);
/** ORT modules load only after the memory hooks above are installed (static imports would run first). */
async function oursNode(): Promise<Runner> {
  const { oursRunner } = await import('./lib/ours-runner');
  return oursRunner(modelDir, { threads });
}

async function rawNode(): Promise<Runner> {
  const ort = await import('onnxruntime-web/wasm');
  const { SESSION_OPTIONS } = await import('../lib/engine/onnx-runtime');
  const { rawRunner } = await import('./lib/raw-loop');
  const wasmPaths = dirname(createRequire(import.meta.url).resolve('onnxruntime-web')) + '/';
  return rawRunner(ort, { read: async (f) => readFileSync(join(modelDir, f)), sessionOptions: SESSION_OPTIONS, threads, wasmPaths });
}

async function tjsRunner(): Promise<Runner> {
  const { env, pipeline } = await import('./transformersjs/index.js');
  let generator: any;
  return {
    async load() {
      env.allowRemoteModels = false;
      env.localModelPath = dirname(modelDir) + '/';
      generator = await pipeline('text-generation', basename(modelDir), {
        dtype: 'q8',
        device: 'cpu',
        session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
      } as any);
    },
    async generate(prompt, n) {
      const [r] = await generator(prompt, { max_new_tokens: n, min_new_tokens: n, do_sample: false, return_full_text: false });
      return { text: r.generated_text };
    },
    describe: () => ({ threads_used: threads, backend: 'onnxruntime-node (native)' }),
  };
}

const plan: Plan = JSON.parse(readFileSync(planPath, 'utf8'));
const runner = runnerName === 'ours' ? await oursNode() : runnerName === 'raw' ? await rawNode() : await tjsRunner();
const result = await measure(runner, plan, new MemoryProbe(), (s) => process.stderr.write(`  ${s}\n`));
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
