/**
 * onnxruntime-web setup and session creation. ort.env is global and the WASM
 * module starts once per page/process, so the first load decides the thread
 * count; later loads report that same count.
 */
import * as ort from 'onnxruntime-web';
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

export function configureRuntime(options: RuntimeOptions): number {
  if (startedThreads !== null) return startedThreads;
  const requested = options.threads ?? defaultThreads();
  if (!Number.isInteger(requested) || requested < 1 || requested > 64) {
    throw new ModelLoadError(`threads must be a whole number from 1 to 64, got ${requested}`);
  }
  ort.env.wasm.numThreads = requested;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
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

export async function createSession(bytes: Uint8Array, file: string): Promise<{ session: ort.InferenceSession; threads: number }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
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
