/**
 * Runs inside the built extension (bench/plan.ts copies the test build and adds
 * bench.html + this bundle; bench/chromium.ts opens bench.html as the offscreen
 * document): same origin, same manifest COOP/COEP (cross-origin isolated), the
 * same shipped ort/ files and model files as the real offscreen document.
 * Query: ?runner=ours|raw&threads=N&model=models/abstract-gpt/&id=KEY; the plan
 * is the file named by &plan=. The result is left in window.__benchResult, which
 * bench/chromium.ts reads through the page's own DevTools target. (Sending it to the
 * service worker by message lost results when the worker restarted mid-run.)
 */
import { installWasmMemoryHooks, MemoryProbe } from '../lib/memory';
installWasmMemoryHooks();
import * as ort from 'onnxruntime-web/wasm';
import { SESSION_OPTIONS } from '../../lib/engine/onnx-runtime';
import { measure, type Plan } from '../lib/measure';
import { rawRunner } from '../lib/raw-loop';
import { oursRunner } from '../lib/ours-runner';

const q = new URLSearchParams(location.search);
const runnerName = q.get('runner')!;
const threads = Number(q.get('threads'));
const modelDir = q.get('model')!;
/** int8 MatMul throughput (DynamicQuantizeMatMul 768×3072) at M=1 (decode) and M=256 (prefill). */
async function matmulProbe() {
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = urlOf('/ort/');
  const bytes = new Uint8Array(await (await fetch(`/${modelDir}`)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { ...SESSION_OPTIONS } as any);
  const [K, N] = [768, 3072];
  const rate = async (M: number, iters: number) => {
    const x = new ort.Tensor('float32', Float32Array.from({ length: M * K }, (_, i) => Math.sin(i)), [M, K]);
    for (let i = 0; i < 3; i++) (await session.run({ x })).y.dispose();
    const t = performance.now();
    for (let i = 0; i < iters; i++) (await session.run({ x })).y.dispose();
    const s = (performance.now() - t) / 1000;
    return (2 * M * K * N * iters) / s / 1e9;
  };
  return { gops_m1: await rate(1, 300), gops_m256: await rate(256, 8), k: K, n: N, threads_used: ort.env.wasm.numThreads };
}

/** The extension's URL of a file; on an ordinary page (bench/memory.ts --ours-web) the page's own origin serves the same files. */
const urlOf = (path: string) => (typeof globalThis.chrome?.runtime?.id === 'string' ? chrome.runtime.getURL(path) : new URL(path, location.origin).href);

function report(result: Record<string, unknown>) {
  (window as any).__benchResult = result;
}

async function main() {
  try {
    if (runnerName === 'matmul') {
      report({ ok: true, ...(await matmulProbe()), cross_origin_isolated: globalThis.crossOriginIsolated === true });
      return;
    }
    const plan: Plan = await (await fetch(`/${q.get('plan')}`)).json();
    const read = async (f: string) => new Uint8Array(await (await fetch(urlOf(`/${modelDir}${f}`))).arrayBuffer());
    const runner =
      runnerName === 'ours'
        ? oursRunner(urlOf(`/${modelDir}`), { threads, wasmPaths: urlOf('/ort/') })
        : rawRunner(ort, { read, sessionOptions: SESSION_OPTIONS, threads, wasmPaths: urlOf('/ort/') });
    const m = await measure(runner, plan, new MemoryProbe(q.get('gc') === '1'));
    report({ ok: true, ...m, cross_origin_isolated: globalThis.crossOriginIsolated === true, user_agent: navigator.userAgent });
  } catch (e: any) {
    report({ ok: false, error: String(e?.stack ?? e) });
  }
}
void main();
