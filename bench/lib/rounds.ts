/** The rows of interleaved rounds: what a page or process returns, and the best of each configuration's rounds. */
import type { Row } from './report';

export const THREADS = [1, 2];
export type RunnerName = 'ours' | 'raw' | 'transformersjs';
export const RUNNERS: RunnerName[] = ['ours', 'raw', 'transformersjs'];

/** A runner's result as a row's fields (without the page's own bookkeeping). */
export function pick(r: any) {
  const { ok, samples, user_agent, ...rest } = r;
  return { ...rest, samples };
}

/** Merges the rounds of each configuration: lowest times, highest tokens/s, highest peak memory; keeps every round's values. */
export function bestOf(all: Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of all) {
    const k = `${r.env}|${r.model}|${r.runner}|${r.threads}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const values = (f: string) => g.map((r: any) => r[f]).filter((x): x is number => typeof x === 'number');
    const min = (f: string) => Math.min(...values(f));
    const max = (f: string) => Math.max(...values(f));
    const best: any = { ...g[0] };
    for (const f of ['cold_start_ms', 'first_request_ms', 'ttft_ms_16', 'ttft_ms_256', 'decode_total_ms_64']) best[f] = min(f);
    if (values('ttft_ms_256_continued').length) best.ttft_ms_256_continued = min('ttft_ms_256_continued');
    best.decode_tokens_per_s = max('decode_tokens_per_s');
    best.decode_tokens_per_s_varied = max('decode_tokens_per_s_varied');
    for (const f of ['peak_mb', 'peak_js_heap_mb', 'peak_wasm_mb']) best[f] = max(f);
    best.rounds = g.map((r: any) => ({ cold_start_ms: r.cold_start_ms, ttft_ms_16: r.ttft_ms_16, ttft_ms_256: r.ttft_ms_256, ttft_ms_256_continued: r.ttft_ms_256_continued, decode_tokens_per_s: r.decode_tokens_per_s, decode_tokens_per_s_varied: r.decode_tokens_per_s_varied, samples: r.samples }));
    delete best.samples;
    return best as Row;
  });
}

/** The best of one configuration's rounds where no table row is made (bench/firefox.ts): lowest times, highest tokens/s; isolated only if every round was. */
export function bestRound(rounds: any[]) {
  const min = (k: string) => Math.min(...rounds.map((r) => Number(r[k])));
  const max = (k: string) => Math.max(...rounds.map((r) => Number(r[k])));
  return {
    decode_tokens_per_s: max('decode_tokens_per_s'),
    decode_tokens_per_s_varied: max('decode_tokens_per_s_varied'),
    ttft_ms_16: min('ttft_ms_16'),
    ttft_ms_256: min('ttft_ms_256'),
    cold_start_ms: min('cold_start_ms'),
    cross_origin_isolated: rounds.every((r) => r.cross_origin_isolated === true),
  };
}
