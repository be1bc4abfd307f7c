/**
 * Our engine and the raw loop in one Node process, on the same onnxruntime-web
 * instance, calls interleaved: the cleanest check of the engine's own cost on
 * a shared machine, and of the prefill chunk size.
 *
 *   npx tsx bench/ours-vs-raw.ts [MODEL_DIR] [THREADS] [CHUNK,CHUNK,…]
 *   (default bench/cache/bundled-shape, 1, 64,128,256)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web/wasm';
import { loadEngine, type Engine } from '../lib/engine';
import { configureRuntime, SESSION_OPTIONS } from '../lib/engine/onnx-runtime';
import { rawRunner } from './lib/raw-loop';
import { makePrompts } from './lib/prompts';
import { median } from './lib/measure';

const dir = process.argv[2] ?? 'bench/cache/bundled-shape';
const threads = Number(process.argv[3] ?? 1);
const chunks = (process.argv[4] ?? '64,128,256').split(',').map(Number);
await configureRuntime({ threads });
const engines: [number, Engine][] = [];
for (const c of chunks) engines.push([c, await loadEngine(dir, { threads, prefillChunk: c, prefixCache: false })]);
const raw = rawRunner(ort, { read: async (f) => readFileSync(join(dir, f)), sessionOptions: SESSION_OPTIONS });
await raw.load();
const P = makePrompts(dir);
const G = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, stopAtSentenceEnd: false, tokenHealing: false, ignoreEos: true };
const time = async (f: () => Promise<unknown>) => {
  const s = performance.now();
  await f();
  return performance.now() - s;
};
const res: Record<string, number[]> = {};
const add = (k: string, v: number) => (res[k] ??= []).push(v);
for (let i = 0; i < 8; i++) {
  const [p16, p256] = [P.prompts16[i % 2], P.prompts256[i % 2]];
  for (const [c, e] of engines) add(`ours chunk ${c}: ttft256`, await time(() => e.generate(p256, { ...G, maxNewTokens: 1 })));
  add('raw: ttft256', await time(() => raw.generate(p256, 1)));
  for (const [c, e] of engines) add(`ours chunk ${c}: 64 tokens`, await time(() => e.generate(p16, { ...G, maxNewTokens: 64 })));
  add('raw: 64 tokens', await time(() => raw.generate(p16, 64)));
}
console.log(`${dir}, ${threads} thread(s), median of 7 after 1 warm-up, ms:`);
for (const [k, v] of Object.entries(res)) console.log(`  ${k.padEnd(26)} ${median(v.slice(1)).toFixed(1)}`);
process.exit(0);
