/** Ratios, the arithmetic floor, and the stdout / Markdown tables of a benchmark result. */
export interface Row {
  env: 'chromium' | 'node';
  model: 'bundled' | 'distilgpt2-shape';
  runner: 'ours' | 'transformersjs' | 'raw';
  threads: number;
  cold_start_ms: number;
  ttft_ms_16: number;
  ttft_ms_256: number;
  decode_tokens_per_s: number;
  peak_mb: number;
  /** Chromium: the kind of document the runner ran in (all three: the extension's offscreen document); absent in files written before it was recorded. */
  document?: 'offscreen';
  [extra: string]: unknown;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The row of `runner` in the same env/model/threads as `row`. */
const peerOf = (rows: Row[], row: Row, runner: Row['runner']) => rows.find((r) => r.env === row.env && r.model === row.model && r.threads === row.threads && r.runner === runner);

/** Adds to each `ours` row its decode and TTFT ratios against transformers.js and the raw loop in the same env/model/threads. */
export function withRatios(rows: Row[]): Row[] {
  return rows.map((row) => {
    if (row.runner !== 'ours') return row;
    const tjs = peerOf(rows, row, 'transformersjs');
    const raw = peerOf(rows, row, 'raw');
    return {
      ...row,
      ...(tjs && { decode_vs_transformersjs: r2(row.decode_tokens_per_s / tjs.decode_tokens_per_s), ttft256_speedup_vs_transformersjs: r2(tjs.ttft_ms_256 / row.ttft_ms_256) }),
      ...(raw && { decode_vs_raw: r2(row.decode_tokens_per_s / raw.decode_tokens_per_s), ttft256_speedup_vs_raw: r2(raw.ttft_ms_256 / row.ttft_ms_256) }),
      ...(tjs?.decode_tokens_per_s_varied != null && { decode_varied_vs_transformersjs: r2(Number(row.decode_tokens_per_s_varied) / Number(tjs.decode_tokens_per_s_varied)) }),
      ...(raw?.decode_tokens_per_s_varied != null && { decode_varied_vs_raw: r2(Number(row.decode_tokens_per_s_varied) / Number(raw.decode_tokens_per_s_varied)) }),
    };
  });
}

interface ModelInfo { n_layer: number; n_embd: number; vocab_size: number; onnx_bytes: number }

/** Multiply-accumulates of one forward pass over `s` new tokens after `past` cached ones. */
export function macs(m: ModelInfo, s: number, past: number, allLogits: boolean): number {
  const d = m.n_embd;
  const dense = s * m.n_layer * 12 * d * d; // qkv 3d², proj d², mlp 8d²
  let attention = 0;
  for (let i = 0; i < s; i++) attention += 2 * (past + i + 1) * d * m.n_layer; // QKᵀ and AV
  const head = (allLogits ? s : 1) * d * m.vocab_size;
  return dense + attention + head;
}

/** Floors from the measured int8 MatMul throughput: decode ms/token, TTFT ms for 16/256 tokens (all logits / last row only). */
export function floors(m: ModelInfo, mm: { gops_m1: number; gops_m256: number }) {
  const ms = (ops: number, gops: number) => (ops / (gops * 1e9)) * 1000;
  const decodeMs = ms(2 * macs(m, 1, 80, true), mm.gops_m1);
  return {
    decode_tokens_per_s: 1000 / decodeMs,
    ttft_ms_16: ms(2 * macs(m, 16, 0, true), mm.gops_m256),
    ttft_ms_256: ms(2 * macs(m, 256, 0, true), mm.gops_m256),
    ttft_ms_256_last_logits_only: ms(2 * macs(m, 256, 0, false), mm.gops_m256),
    // Loading can not be faster than compiling nothing and reading the file once (not modelled); reported as measured.
  };
}

const pad = (s: unknown, n: number) => String(s).padStart(n);

export function renderTable(result: any): string {
  const head = ['env', 'model', 'runner', 'thr', 'cold ms', '1st req ms', 'ttft16 ms', 'ttft256 ms', 'cont256 ms', 'decode tok/s', 'varied tok/s', 'peak MB', 'vs tjs', 'vs raw', 'varied vs tjs'];
  const w = [8, 16, 14, 3, 8, 10, 9, 10, 10, 12, 12, 8, 6, 6, 13];
  const lines = [head.map((h, i) => (i < 3 ? h.padEnd(w[i]) : pad(h, w[i]))).join(' ')];
  for (const r of result.results as Row[]) {
    lines.push(
      [r.env.padEnd(w[0]), r.model.padEnd(w[1]), r.runner.padEnd(w[2]), pad(r.threads, w[3]), pad(r.cold_start_ms.toFixed(0), w[4]), pad(Number(r.first_request_ms).toFixed(1), w[5]), pad(r.ttft_ms_16.toFixed(1), w[6]), pad(r.ttft_ms_256.toFixed(1), w[7]), pad(r.ttft_ms_256_continued == null ? '-' : Number(r.ttft_ms_256_continued).toFixed(1), w[8]), pad(r.decode_tokens_per_s.toFixed(1), w[9]), pad(r.decode_tokens_per_s_varied == null ? '-' : Number(r.decode_tokens_per_s_varied).toFixed(1), w[10]), pad(r.peak_mb.toFixed(0), w[11]), pad(r.decode_vs_transformersjs ?? '', w[12]), pad(r.decode_vs_raw ?? '', w[13]), pad(r.decode_varied_vs_transformersjs ?? '', w[14])].join(' '),
    );
  }
  lines.push('', 'bars and goals:', ...bars(result).map((l) => '  ' + l.slice(2)));
  lines.push('', 'ratios (ours ÷ peer, decode tokens/s; ttft256 as peer ms ÷ ours ms):');
  for (const r of result.results as Row[]) {
    if (r.runner !== 'ours') continue;
    lines.push(`  ${r.env} ${r.model} ${r.threads}t: decode ${r.decode_vs_transformersjs ?? '-'}× transformers.js, ${r.decode_vs_raw ?? '-'}× raw loop (varied prompts: ${r.decode_varied_vs_transformersjs ?? '-'}×, ${r.decode_varied_vs_raw ?? '-'}×); ttft256 ${r.ttft256_speedup_vs_transformersjs ?? '-'}× faster than transformers.js, ${r.ttft256_speedup_vs_raw ?? '-'}× raw`);
  }
  const p = result.packed_extension;
  lines.push('', `packed extension (${p.dir}): ${(p.packed_bytes / 2 ** 20).toFixed(2)} MiB zipped, ${(p.unpacked_bytes / 2 ** 20).toFixed(2)} MiB unpacked; ORT wasm shipped once: ${p.ort_wasm_shipped_once} (${p.wasm_files.join(', ')})`);
  if (result.int8_matmul_probe) {
    for (const [t, mm] of Object.entries<any>(result.int8_matmul_probe)) {
      lines.push(`int8 MatMul 768×3072 in Chromium, ${t} thread(s): ${mm.gops_m1.toFixed(1)} GOP/s at M=1, ${mm.gops_m256.toFixed(1)} GOP/s at M=256`);
      for (const [key, m] of Object.entries<any>(result.models)) {
        const f = floors(m, mm);
        lines.push(`  floor ${key}: decode ≤ ${f.decode_tokens_per_s.toFixed(0)} tok/s, ttft16 ≥ ${f.ttft_ms_16.toFixed(1)} ms, ttft256 ≥ ${f.ttft_ms_256.toFixed(1)} ms (${f.ttft_ms_256_last_logits_only.toFixed(1)} ms with last-row logits only)`);
      }
    }
  }
  return lines.join('\n');
}

export function renderMarkdown(result: any, source: string): string {
  const out: string[] = [];
  out.push(`Generated from \`${source}\`, written by \`npm run bench${result.quick ? ' -- --quick' : ''}\` on ${result.date} (${result.runs} timed runs per median, best of ${result.rounds} interleaved rounds; ${result.wall_s} s). Machine: ${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.memory_gb} GB, Node ${result.machine.node}, Chromium ${result.machine.chromium}; ${result.machine.note}.`, '');
  for (const [key, m] of Object.entries<any>(result.models)) out.push(`- model \`${key}\`: ${m.n_layer} layers, d${m.n_embd}, ${m.n_head} heads, vocab ${m.vocab_size}, ctx ${m.n_positions}, int8 ONNX ${(m.onnx_bytes / 1e6).toFixed(1)} MB${m.note ? ` (${m.note})` : ''}`);
  out.push('', '| env | model | runner | threads | cold start ms | first request ms | TTFT 16 ms | TTFT 256 ms | TTFT 256+continued ms | decode tok/s | decode tok/s, varied prompts | peak MB (JS heap + WASM) | decode ours/tjs | decode ours/raw | varied: ours/tjs | varied: ours/raw |', '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of result.results as any[]) {
    out.push(`| ${r.env} | ${r.model} | ${r.runner} | ${r.threads} | ${r.cold_start_ms.toFixed(0)} | ${Number(r.first_request_ms).toFixed(1)} | ${r.ttft_ms_16.toFixed(1)} | ${r.ttft_ms_256.toFixed(1)} | ${r.ttft_ms_256_continued == null ? '–' : Number(r.ttft_ms_256_continued).toFixed(1)} | ${r.decode_tokens_per_s.toFixed(1)} | ${r.decode_tokens_per_s_varied == null ? '–' : Number(r.decode_tokens_per_s_varied).toFixed(1)} | ${r.peak_mb.toFixed(0)} (${(r.peak_js_heap_mb ?? 0).toFixed(0)} + ${(r.peak_wasm_mb ?? 0).toFixed(0)}) | ${r.decode_vs_transformersjs ?? ''} | ${r.decode_vs_raw ?? ''} | ${r.decode_varied_vs_transformersjs ?? ''} | ${r.decode_varied_vs_raw ?? ''} |`);
  }
  out.push('', '**Bars and goals (Chromium):**', '', ...bars(result));
  const p = result.packed_extension;
  out.push('', `Packed extension (\`${p.dir}\` zipped): **${(p.packed_bytes / 2 ** 20).toFixed(2)} MiB** (${(p.unpacked_bytes / 2 ** 20).toFixed(2)} MiB unpacked); WASM files: ${p.wasm_files.map((f: string) => `\`${f}\``).join(', ')}; onnxruntime's wasm shipped once: ${p.ort_wasm_shipped_once}.`);
  if (result.int8_matmul_probe) {
    out.push('', '| threads | int8 MatMul GOP/s, M=1 | M=256 | model | floor decode tok/s | floor TTFT 16 ms | floor TTFT 256 ms | (last-row logits only) |', '| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
    for (const [t, mm] of Object.entries<any>(result.int8_matmul_probe)) {
      for (const [key, m] of Object.entries<any>(result.models)) {
        const f = floors(m, mm);
        out.push(`| ${t} | ${mm.gops_m1.toFixed(1)} | ${mm.gops_m256.toFixed(1)} | ${key} | ${f.decode_tokens_per_s.toFixed(0)} | ${f.ttft_ms_16.toFixed(1)} | ${f.ttft_ms_256.toFixed(1)} | ${f.ttft_ms_256_last_logits_only.toFixed(1)} |`);
      }
    }
  }
  return out.join('\n');
}

/** The issue's bars and goals, checked per env/model/threads for our runner. */
export function bars(result: any): string[] {
  const lines: string[] = [];
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  for (const r of result.results as any[]) {
    if (r.runner !== 'ours' || r.env !== 'chromium') continue;
    const tag = `${r.model}, ${r.threads} thread(s)`;
    const ratio = (what: string, x: number | undefined, bar: number, goal?: number) => {
      if (x == null) return;
      const goalPart = goal === undefined ? '' : `, goal ${goal}× ${x >= goal ? 'met' : `missed by ${pct(goal - x)}`}`;
      lines.push(`- ${what} (${tag}): ${x}× — bar ${bar}× ${x >= bar ? 'met' : `MISSED by ${pct(bar - x)}`}${goalPart}`);
    };
    ratio('decode vs transformers.js', r.decode_vs_transformersjs, 1.2, 1.5);
    ratio('decode vs transformers.js over the eight varied prompts', r.decode_varied_vs_transformersjs, 1.2, 1.5);
    ratio('decode vs raw loop', r.decode_vs_raw, 0.9);
    const t = r.ttft_ms_256;
    lines.push(`- warm TTFT, 256-token prompt (${tag}): ${t} ms — goal ≤ 150 ms ${t <= 150 ? 'met' : `missed by ${(t - 150).toFixed(0)} ms`}; after a completion (prefix cache): ${r.ttft_ms_256_continued ?? '–'} ms; first request after load ${r.first_request_ms} ms vs warm 16-token TTFT ${r.ttft_ms_16} ms`);
    const memory = peakMemoryLine(r, peerOf(result.results, r, 'transformersjs'), tag);
    if (memory) lines.push(memory);
  }
  return lines;
}

const mb = (r: Row) => `${r.peak_mb.toFixed(0)} MB (JS heap ${Number(r.peak_js_heap_mb ?? 0).toFixed(0)} + WASM ${Number(r.peak_wasm_mb ?? 0).toFixed(0)})`;

/**
 * The goal "offscreen peak memory ≤ transformers.js's", stated only where both
 * ran as the offscreen document (files from before transformers.js did have no
 * `document`, and a web page's process collects its garbage differently).
 */
export function peakMemoryLine(ours: Row, tjs: Row | undefined, tag: string): string | undefined {
  if (!tjs || ours.document !== 'offscreen' || tjs.document !== 'offscreen') return undefined;
  const over = ours.peak_mb - tjs.peak_mb;
  return `- offscreen peak memory vs transformers.js in the same kind of document (${tag}): ours ${mb(ours)}, transformers.js ${mb(tjs)} — goal ≤ transformers.js ${over <= 0 ? 'met' : `missed by ${over.toFixed(1)} MB`}`;
}
