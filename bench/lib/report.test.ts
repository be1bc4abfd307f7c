import { describe, expect, it } from 'vitest';
import { bars, withRatios, type Row } from './report';

const row = (runner: Row['runner'], threads: number, peak: [number, number], extra: Partial<Row> = {}): Row => ({
  env: 'chromium',
  model: 'bundled',
  runner,
  threads,
  cold_start_ms: 500,
  ttft_ms_16: 20,
  ttft_ms_256: 140,
  decode_tokens_per_s: runner === 'ours' ? 150 : 100,
  peak_mb: peak[0] + peak[1],
  peak_js_heap_mb: peak[0],
  peak_wasm_mb: peak[1],
  ...extra,
});

const memoryLines = (rows: Row[]) => bars({ results: withRatios(rows) }).filter((l) => l.includes('peak memory'));

describe('the peak-memory goal line', () => {
  it('states ours and transformers.js for each thread count when both ran as the offscreen document', () => {
    const offscreen = { document: 'offscreen' as const };
    const lines = memoryLines([
      row('ours', 1, [100.4, 80], offscreen),
      row('transformersjs', 1, [110, 88], offscreen),
      row('ours', 2, [140, 86.8], offscreen),
      row('transformersjs', 2, [84.3, 88.2], offscreen),
    ]);
    expect(lines).toEqual([
      '- offscreen peak memory vs transformers.js in the same kind of document (bundled, 1 thread(s)): ours 180 MB (JS heap 100 + WASM 80), transformers.js 198 MB (JS heap 110 + WASM 88) — goal ≤ transformers.js met',
      '- offscreen peak memory vs transformers.js in the same kind of document (bundled, 2 thread(s)): ours 227 MB (JS heap 140 + WASM 87), transformers.js 173 MB (JS heap 84 + WASM 88) — goal ≤ transformers.js missed by 54.3 MB',
    ]);
  });

  it('is left out where transformers.js ran in another kind of document (results files from before it ran offscreen)', () => {
    expect(memoryLines([row('ours', 1, [130, 86], { document: 'offscreen' }), row('transformersjs', 1, [107, 88])])).toEqual([]);
    expect(memoryLines([row('ours', 1, [130, 86]), row('transformersjs', 1, [107, 88])])).toEqual([]);
  });
});
