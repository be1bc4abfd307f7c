/**
 * onnxruntime-web setup and session creation. ort.env is global and the WASM
 * module starts once per page/process, so the first load decides the thread
 * count; later loads report that same count.
 */
// The WASM-only build: the extension ships just ort-wasm-simd-threaded.{mjs,wasm}
// (no WebGPU/JSEP), and the same build runs in Node.
import * as ort from 'onnxruntime-web/wasm';
import { ModelLoadError } from './model-source';

let startedThreads: number | null = null;

export interface RuntimeOptions {
  threads?: number;
  wasmPaths?: string;
}

/** Threads only work with SharedArrayBuffer, i.e. in a cross-origin isolated page (or Node). */
function defaultThreads(): number {
  const isolated = (globalThis as any).crossOriginIsolated === true;
  const cores = (globalThis as any).navigator?.hardwareConcurrency ?? 1;
  return isolated ? Math.max(1, Math.min(4, cores)) : 1;
}

/**
 * In Node the WASM files are read from the package folder; with threads the
 * workers need that folder as a plain path (a file: URL fails there).
 */
async function nodeWasmDir(): Promise<string | undefined> {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  return path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web')) + path.sep;
}

export async function configureRuntime(options: RuntimeOptions): Promise<number> {
  if (startedThreads !== null) return startedThreads;
  const requested = options.threads ?? defaultThreads();
  if (!Number.isInteger(requested) || requested < 1 || requested > 64) {
    throw new ModelLoadError(`threads must be a whole number from 1 to 64, got ${requested}`);
  }
  ort.env.wasm.numThreads = requested;
  const wasmPaths = options.wasmPaths ?? (await nodeWasmDir());
  if (wasmPaths) ort.env.wasm.wasmPaths = wasmPaths;
  // A proxy worker would copy every logits tensor across threads; we already run off the UI thread.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return requested;
}

/** Records the thread count once the runtime has really started (it may lower it). */
function markStarted(): number {
  if (startedThreads === null) startedThreads = ort.env.wasm.numThreads ?? 1;
  return startedThreads;
}

/** Session options of every engine session (the benchmark's raw loop uses the same). */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = Object.freeze({
  executionProviders: ['wasm'],
  graphOptimizationLevel: 'all',
});

export async function createSession(bytes: Uint8Array, file: string): Promise<{ session: ort.InferenceSession; threads: number }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { ...SESSION_OPTIONS });
  } catch (e: any) {
    const detail = String(e?.message ?? e).split('\n')[0].slice(0, 200);
    if (/no available backend|wasm|fetch|instantiate/i.test(detail) && !/protobuf|model/i.test(detail)) {
      throw new ModelLoadError(`onnxruntime-web could not start: ${detail}`);
    }
    throw new ModelLoadError(`model file ${file} is not a valid ONNX model (${detail})`);
  }
  return { session, threads: markStarted() };
}

export { ort };
