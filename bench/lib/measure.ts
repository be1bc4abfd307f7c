/**
 * The measurement protocol, identical for every runner (ours, raw loop,
 * transformers.js) and environment (Chromium page, Node process):
 *
 * - cold start: context creation (page navigation / process start) until the
 *   runner is ready to generate (`performance.now()` at that moment);
 * - first request: the first 1-token generation right after load (unwarmed);
 * - TTFT: a generation of exactly one new token, median of `ttftRuns`, for the
 *   16- and 256-token prompts (tokenization + prefill + first pick);
 * - decode tokens/s: 64 new tokens (EOS ignored) after the 16-token prompt,
 *   63 / (median total − median 16-token TTFT);
 * - decode tokens/s over varied prompts: 64 new tokens after each of eight
 *   more 16-token prompts, once each, 63·8 / Σ(total − median 16-token TTFT)
 *   (for runners whose speed depends on the text: ours drafts tokens);
 * - peak memory: the JS heap's high-water mark plus all WASM memories.
 *
 * Consecutive calls alternate between two different prompts of the same
 * length, so no runner can reuse a previous call's KV cache in a timed run.
 */
import { MemoryProbe } from './memory';

export interface Runner {
  load(): Promise<void>;
  /** Generates exactly `newTokens` tokens greedily (EOS ignored). Returns the token count and text when known. */
  generate(prompt: string, newTokens: number): Promise<{ tokens?: number; text?: string }>;
  /** Extra information to report (threads really used, isolation, versions). */
  describe?(): Record<string, unknown>;
}

export interface Plan {
  /** Two different prompts of 16 tokens and two of 256. */
  prompts16: [string, string];
  prompts256: [string, string];
  /** More 16-token prompts on varied topics, for decode speed across texts. */
  promptsVaried: string[];
  newTokens: number;
  ttftRuns: number;
  decodeRuns: number;
}

export interface Measurement {
  cold_start_ms: number;
  first_request_ms: number;
  ttft_ms_16: number;
  ttft_ms_256: number;
  decode_tokens_per_s: number;
  decode_total_ms_64: number;
  decode_tokens_per_s_varied: number;
  ttft_ms_256_continued: number | null;
  peak_mb: number;
  peak_js_heap_mb: number;
  peak_wasm_mb: number;
  samples: { ttft16: number[]; ttft256: number[]; total64: number[]; continued: number[]; varied64: number[] };
  [extra: string]: unknown;
}

const now = () => performance.now();
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = now();
  await fn();
  return now() - t;
}

export async function measure(runner: Runner, plan: Plan, memory: MemoryProbe, log: (s: string) => void = () => {}): Promise<Measurement> {
  memory.start();
  await runner.load();
  const coldStart = now();
  memory.sample();
  log(`ready after ${coldStart.toFixed(0)} ms`);
  memory.phase = 'first request + warm-up';
  const firstRequest = await timed(() => runner.generate(plan.prompts16[0], 1));
  // Warm-up: both prompt lengths and a short decode, so every shape has run once.
  await runner.generate(plan.prompts16[1], 8);
  await runner.generate(plan.prompts256[0], 1);
  await runner.generate(plan.prompts16[0], 1);
  memory.sample();

  memory.phase = 'ttft';
  const ttft16: number[] = [];
  const ttft256: number[] = [];
  const total64: number[] = [];
  for (let i = 0; i < plan.ttftRuns; i++) {
    ttft16.push(await timed(() => runner.generate(plan.prompts16[(i + 1) % 2], 1)));
    ttft256.push(await timed(() => runner.generate(plan.prompts256[(i + 1) % 2], 1)));
    memory.sample();
  }
  log(`ttft16 ${median(ttft16).toFixed(1)} ms, ttft256 ${median(ttft256).toFixed(1)} ms`);
  memory.phase = 'decode';
  for (let i = 0; i < plan.decodeRuns; i++) {
    let produced: number | undefined;
    total64.push(await timed(async () => void (produced = (await runner.generate(plan.prompts16[i % 2], plan.newTokens)).tokens)));
    if (produced !== undefined && produced !== plan.newTokens) throw new Error(`runner generated ${produced} tokens, expected ${plan.newTokens}`);
    memory.sample();
  }
  const varied64: number[] = [];
  memory.phase = 'varied';
  for (const p of plan.promptsVaried) {
    varied64.push(await timed(() => runner.generate(p, plan.newTokens)));
    memory.sample();
  }
  // Typing after a completion: the next prompt is the 256-token prompt + its 8-token completion + a word.
  const continued: number[] = [];
  memory.phase = 'continued';
  for (let i = 0; i < plan.ttftRuns; i++) {
    const base = plan.prompts256[i % 2];
    const { text } = await runner.generate(base, 8);
    if (text === undefined) break;
    continued.push(await timed(() => runner.generate(base + text + ' we', 1)));
  }
  const t16 = median(ttft16);
  const decodeMs = median(total64) - t16;
  const tps = (plan.newTokens - 1) / (decodeMs / 1000);
  const variedMs = varied64.reduce((a, t) => a + (t - t16), 0);
  const tpsVaried = ((plan.newTokens - 1) * varied64.length) / (variedMs / 1000);
  log(`decode ${tps.toFixed(1)} tok/s`);
  const mem = memory.stop();
  return {
    cold_start_ms: round(coldStart),
    first_request_ms: round(firstRequest),
    ttft_ms_16: round(t16),
    ttft_ms_256: round(median(ttft256)),
    decode_tokens_per_s: round(tps, 2),
    decode_total_ms_64: round(median(total64)),
    decode_tokens_per_s_varied: round(tpsVaried, 2),
    ttft_ms_256_continued: continued.length ? round(median(continued)) : null,
    peak_mb: round(mem.jsHeapMb + mem.wasmMb),
    peak_js_heap_mb: round(mem.jsHeapMb),
    peak_wasm_mb: round(mem.wasmMb),
    peak_js_heap_mb_by_phase: Object.fromEntries(Object.entries(memory.peakJsByPhase).map(([k, v]) => [k, round(v / 2 ** 20)])),
    ...(mem.rssMb !== undefined ? { peak_rss_mb: round(mem.rssMb) } : {}),
    samples: { ttft16: ttft16.map((x) => round(x)), ttft256: ttft256.map((x) => round(x)), total64: total64.map((x) => round(x)), continued: continued.map((x) => round(x)), varied64: varied64.map((x) => round(x)) },
    ...(runner.describe?.() ?? {}),
  };
}
