/**
 * transformers.js (its text-generation pipeline, greedy, WASM backend) as
 * `tjs.html` in the bench's copy of the extension, which bench/chromium.ts opens
 * as the offscreen document like ours (cross-origin isolated by the manifest's
 * COOP/COEP; bench/lib/bench-page.ts stages it); bench/memory.ts also serves it
 * on a local COOP/COEP web page (bench/lib/tjs-server.ts).
 * Query: ?threads=N&model=NAME&plan=FILE&id=KEY. Models under /models/NAME/, its own
 * onnxruntime-web build's files under /tjs-ort/. Result: window.__benchResult.
 */
import { installWasmMemoryHooks, MemoryProbe } from '../lib/memory';
installWasmMemoryHooks();
import { env, pipeline } from '../transformersjs/index.js';
import { measure, type Plan, type Runner } from '../lib/measure';

const q = new URLSearchParams(location.search);
const threads = Number(q.get('threads'));
const model = q.get('model')!;

function tjsRunner(): Runner {
  let generator: any;
  return {
    async load() {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      // A path, not a URL: transformers.js only probes local files (tokenizer_config.json) when localModelPath is not an http(s) URL.
      env.localModelPath = "/models/";
      env.useBrowserCache = false;
      const wasm = (env.backends.onnx as any).wasm;
      wasm.wasmPaths = `${location.origin}/tjs-ort/`;
      wasm.numThreads = threads;
      wasm.proxy = false;
      generator = await pipeline('text-generation', model, { dtype: 'q8', device: 'wasm' });
    },
    async generate(prompt, n) {
      const [r] = await generator(prompt, { max_new_tokens: n, min_new_tokens: n, do_sample: false, return_full_text: false });
      return { text: r.generated_text };
    },
    describe: () => ({ threads_used: (env.backends.onnx as any).wasm.numThreads, tjs_version: env.version }),
  };
}

async function main() {
  const plan: Plan = await (await fetch(`/${q.get('plan')}`)).json();
  try {
    const m = await measure(tjsRunner(), plan, new MemoryProbe(q.get('gc') === '1'));
    (window as any).__benchResult = { ok: true, ...m, cross_origin_isolated: globalThis.crossOriginIsolated === true };
  } catch (e: any) {
    (window as any).__benchResult = { ok: false, error: String(e?.stack ?? e) };
  }
}
void main();
