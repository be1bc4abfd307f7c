/**
 * Peak memory: the JS heap's high-water mark (Chromium `performance.memory`
 * with --enable-precise-memory-info, Node `process.memoryUsage().heapUsed`),
 * sampled every 25 ms and after each generation, plus the size of every WASM
 * memory the page/process created (WASM memory never shrinks, so its final
 * size is its peak). `installWasmMemoryHooks()` must run before the runtime
 * instantiates its module.
 */
const memories = new Set<WebAssembly.Memory>();
let installed = false;

export function installWasmMemoryHooks(): void {
  if (installed) return;
  installed = true;
  const W = WebAssembly as any;
  const OrigMemory = W.Memory;
  const Hooked = function (this: unknown, desc: WebAssembly.MemoryDescriptor) {
    const m = new OrigMemory(desc);
    memories.add(m);
    return m;
  } as any;
  Hooked.prototype = OrigMemory.prototype;
  W.Memory = Hooked;
  const track = (result: any) => {
    const instance: WebAssembly.Instance | undefined = result?.instance ?? (result instanceof W.Instance ? result : undefined);
    for (const v of Object.values(instance?.exports ?? {})) if (v instanceof OrigMemory) memories.add(v as WebAssembly.Memory);
    return result;
  };
  const inst = W.instantiate.bind(W);
  W.instantiate = (...args: any[]) => inst(...args).then(track);
  if (W.instantiateStreaming) {
    const stream = W.instantiateStreaming.bind(W);
    W.instantiateStreaming = (...args: any[]) => stream(...args).then(track);
  }
}

export function wasmBytes(): number {
  let total = 0;
  for (const m of memories) total += m.buffer.byteLength;
  return total;
}

function jsHeapBytes(): number {
  const p = (globalThis as any).process;
  if (p?.memoryUsage) return p.memoryUsage().heapUsed;
  return (performance as any).memory?.usedJSHeapSize ?? 0;
}

export class MemoryProbe {
  private peakJs = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The protocol's current phase (load, ttft, decode, …): the JS heap's high-water mark is kept per phase too. */
  phase = 'load';
  readonly peakJsByPhase: Record<string, number> = {};

  /**
   * `liveOnly`: collect garbage before each sample (needs --js-flags=--expose-gc),
   * so the peak is of memory still referenced, not of memory V8 has yet to reclaim.
   */
  constructor(private readonly liveOnly = false) {}

  start(): void {
    this.sample();
    this.timer ??= setInterval(() => this.sample(), 25);
  }

  sample(): void {
    if (this.liveOnly) (globalThis as any).gc?.();
    const js = jsHeapBytes();
    this.peakJs = Math.max(this.peakJs, js);
    this.peakJsByPhase[this.phase] = Math.max(this.peakJsByPhase[this.phase] ?? 0, js);
  }

  stop(): { jsHeapMb: number; wasmMb: number; rssMb?: number } {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const p = (globalThis as any).process;
    const rssMb = p?.resourceUsage ? p.resourceUsage().maxRSS / 1024 : undefined;
    return { jsHeapMb: this.peakJs / 2 ** 20, wasmMb: wasmBytes() / 2 ** 20, rssMb };
  }
}
