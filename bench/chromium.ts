/**
 * The Chromium rows of the speed table: the int8 MatMul probe, then for every
 * model and thread count `ours`, `raw` and transformers.js, each as the
 * extension's offscreen document (the same kind of document and process, so
 * their peak memory compares like with like; cross-origin isolated by the
 * manifest), in interleaved rounds (other processes share the cores;
 * bench/lib/rounds.ts keeps the best of each metric).
 */
import { CHROMIUM_PATH, launch } from '../e2e/harness';
import type { BenchOptions } from './lib/options';
import type { Row } from './lib/report';
import { pick, RUNNERS, THREADS } from './lib/rounds';
import { sh, type BenchPlan } from './plan';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const summary = (r: any) =>
  `  cold ${r.cold_start_ms} ms, ttft16 ${r.ttft_ms_16} ms, ttft256 ${r.ttft_ms_256} ms, ${r.decode_tokens_per_s} tok/s (${r.decode_tokens_per_s_varied} over varied prompts), peak ${r.peak_mb} MB`;

/** Polls `read` every 250 ms for a page's result ({ok, …} or {ok: false, error}). */
async function pollResult(read: () => Promise<unknown>, timeoutMessage: string, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(250);
    const r = (await read()) as any;
    if (r) {
      if (!r.ok) throw new Error(r.error);
      return r;
    }
  }
  throw new Error(timeoutMessage);
}

export interface ChromiumResult {
  rows: Row[];
  matmul: Record<number, { gops_m1: number; gops_m256: number }>;
  version: string;
}

export async function runChromium(plan: BenchPlan, opts: BenchOptions, log: (s: string) => void): Promise<ChromiumResult> {
  const extraArgs = ['--enable-precise-memory-info', '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'];
  const h = await launch({ extensionDir: plan.extDir, serve: false, extraArgs });

  /**
   * Opens `page` (bench.html, or tjs.html for transformers.js) as the extension's
   * offscreen document and reads the result the page leaves in window.__benchResult,
   * through the page's DevTools target (independent of the service worker, which
   * may idle out and restart meanwhile).
   */
  async function inOffscreen(page: 'bench.html' | 'tjs.html', query: Record<string, string>, timeoutMs = 240_000): Promise<any> {
    const key = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const url = `${page}?${new URLSearchParams({ ...query, id: key })}`;
    await h.evalInWorker(async (u: string) => {
      if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
      await chrome.offscreen.createDocument({ url: u, reasons: ['WORKERS' as chrome.offscreen.Reason], justification: 'benchmark' });
    }, url);
    try {
      // A busy page may not answer within the DevTools timeout: just poll again.
      return await pollResult(() => h.evalInTargetByUrl(key, 'window.__benchResult').catch(() => undefined), `offscreen benchmark timed out: ${url}`, timeoutMs);
    } finally {
      await h.evalInWorker(async () => {
        if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
      });
    }
  }

  const rows: Row[] = [];
  const matmul: ChromiumResult['matmul'] = {};
  try {
    const version = h.context.browser()?.version() ?? sh(CHROMIUM_PATH, ['--version']).trim();
    for (let round = 0; round < opts.rounds; round++) {
      for (const threads of THREADS) {
        const r = await inOffscreen('bench.html', { runner: 'matmul', threads: String(threads), model: 'bench-matmul.onnx', plan: '' });
        // Best of the rounds, like the runners.
        const prev = matmul[threads];
        matmul[threads] = prev ? { ...r, gops_m1: Math.max(prev.gops_m1, r.gops_m1), gops_m256: Math.max(prev.gops_m256, r.gops_m256) } : r;
        log(`int8 MatMul 768×3072, ${threads} thread(s): M=1 ${r.gops_m1.toFixed(1)} GOP/s, M=256 ${r.gops_m256.toFixed(1)} GOP/s`);
      }
      for (const m of plan.models) {
        for (const threads of THREADS) {
          for (const runner of RUNNERS) {
            log(`chromium ${m.key} ${runner} ${threads} thread(s), round ${round + 1}/${opts.rounds}`);
            const r =
              runner === 'transformersjs'
                ? await inOffscreen('tjs.html', { threads: String(threads), model: `bench-${m.key}`, plan: `bench-plan-${m.key}.json` })
                : await inOffscreen('bench.html', { runner, threads: String(threads), model: `models/bench-${m.key}/`, plan: `bench-plan-${m.key}.json` });
            if (!r.cross_origin_isolated && threads > 1) throw new Error(`${runner} page is not cross-origin isolated`);
            // Where it ran: the report compares peak memory only between runners in the same kind of document.
            rows.push({ env: 'chromium', model: m.key, runner, threads, document: 'offscreen', ...pick(r) });
            log(summary(r));
          }
        }
      }
    }
    return { rows, matmul, version };
  } finally {
    await h.close();
  }
}
