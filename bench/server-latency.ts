/**
 * Per-suggestion latency through a server backend, and how much of it is ours:
 * each protocol's fake (tests/fakes) answers with a fixed delay before every
 * token, so the server's own time for a request is known to the millisecond
 * (from the request's arrival to its last token written, on the same clock);
 * what remains of the latency the caller sees is our overhead (HTTP, parsing,
 * the confidence cut, aborting the request once it decided).
 * Two measurements per protocol: inline suggestions (Backend.suggest, default
 * inline settings, the request aborted when the cut decides) and a full
 * Generate completion (Backend.complete: the prompts' whole continuations, 7 to 10 tokens).
 *   tsx bench/server-latency.ts [--quick] [--delay-ms 10]
 * Prints a table; writes bench/results/server-latency-<date>.json and
 * server-latency-latest.json. From another script: `await runServerLatency({ quick })`
 * returns the same result object.
 */
import { cpus } from 'node:os';
import { createServerBackend } from '../lib/backends/create';
import { greedy } from '../lib/backends/greedy';
import type { Backend } from '../lib/backends/types';
import { FAKE_MODELS, startFake, type Fake, type FakeKind } from '../tests/fakes/fake-server';
import { isMain } from './lib/options';
import { percentile } from './lib/percentile';
import { loadAverage, writeResult } from './lib/results';

const KINDS: FakeKind[] = ['ollama', 'llama.cpp', 'openai'];
/** Prompts whose fake continuations the cut stops at different points (tests/fakes/continuations.ts). */
const PROMPTS = ['We propose a', 'The results show', 'We report results on five '];
const round = (x: number) => Math.round(x * 10) / 10;

export interface ServerLatencyRow {
  kind: FakeKind;
  delay_ms: number;
  suggestions: number;
  suggestion_p50_ms: number;
  suggestion_p95_ms: number;
  suggestion_server_p50_ms: number;
  suggestion_overhead_p50_ms: number;
  suggestion_overhead_p95_ms: number;
  generate_p50_ms: number;
  generate_server_p50_ms: number;
  generate_overhead_p50_ms: number;
  generate_overhead_p95_ms: number;
}

/** Runs `call`, then pairs its latency with the fake's own time for the request it made. */
async function timed(fake: Fake, call: () => Promise<unknown>): Promise<{ total: number; server: number }> {
  const before = fake.requests.length;
  const t0 = performance.now();
  await call();
  const total = performance.now() - t0;
  const req = fake.requests.slice(before).find((q) => q.tokensWritten > 0);
  if (!req) throw new Error(`${fake.kind}: no streamed request to time`);
  return { total, server: req.lastTokenAt! - req.receivedAt };
}

async function measure(kind: FakeKind, delayMs: number, rounds: number): Promise<ServerLatencyRow> {
  const fake = await startFake(kind, { tokenDelayMs: delayMs });
  const backend: Backend = createServerBackend({ kind, url: fake.url, model: FAKE_MODELS[kind] });
  try {
    await backend.capabilities(); // probed once per backend, as in the extension
    await backend.suggest(PROMPTS[0]); // warm the connection pool
    const sug: Array<{ total: number; server: number }> = [];
    const gen: Array<{ total: number; server: number }> = [];
    for (let i = 0; i < rounds; i++) {
      for (const prompt of PROMPTS) sug.push(await timed(fake, () => backend.suggest(prompt)));
      gen.push(await timed(fake, () => backend.complete({ prompt: PROMPTS[i % PROMPTS.length], options: greedy(32) })));
    }
    const p = (xs: number[], q: number) => round(percentile(xs, q));
    const over = (xs: Array<{ total: number; server: number }>) => xs.map((x) => x.total - x.server);
    return {
      kind,
      delay_ms: delayMs,
      suggestions: sug.length,
      suggestion_p50_ms: p(sug.map((x) => x.total), 0.5),
      suggestion_p95_ms: p(sug.map((x) => x.total), 0.95),
      suggestion_server_p50_ms: p(sug.map((x) => x.server), 0.5),
      suggestion_overhead_p50_ms: p(over(sug), 0.5),
      suggestion_overhead_p95_ms: p(over(sug), 0.95),
      generate_p50_ms: p(gen.map((x) => x.total), 0.5),
      generate_server_p50_ms: p(gen.map((x) => x.server), 0.5),
      generate_overhead_p50_ms: p(over(gen), 0.5),
      generate_overhead_p95_ms: p(over(gen), 0.95),
    };
  } finally {
    await backend.dispose();
    await fake.close();
  }
}

export async function runServerLatency({ quick = false, delayMs = 10 }: { quick?: boolean; delayMs?: number } = {}) {
  const rows: ServerLatencyRow[] = [];
  for (const kind of KINDS) rows.push(await measure(kind, delayMs, quick ? 5 : 30));
  const result = { date: new Date().toISOString(), quick, cpus: cpus().length, loadavg: loadAverage(), results: rows };
  return { ...result, file: writeResult('server-latency', result) };
}

export function renderServerLatency(rows: ServerLatencyRow[]): string {
  const lines = [
    '| server (fake) | delay/token ms | suggestion p50 / p95 ms | server time p50 ms | our overhead p50 / p95 ms | Generate p50 ms | server time p50 ms | our overhead p50 / p95 ms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.kind} | ${r.delay_ms} | ${r.suggestion_p50_ms} / ${r.suggestion_p95_ms} | ${r.suggestion_server_p50_ms} | ${r.suggestion_overhead_p50_ms} / ${r.suggestion_overhead_p95_ms} | ${r.generate_p50_ms} | ${r.generate_server_p50_ms} | ${r.generate_overhead_p50_ms} / ${r.generate_overhead_p95_ms} |`);
  }
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--delay-ms');
  const delayMs = at >= 0 ? Number(args[at + 1]) : 10;
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error('--delay-ms must be a number of milliseconds');
  const result = await runServerLatency({ quick: args.includes('--quick'), delayMs });
  console.log(renderServerLatency(result.results));
  console.log(`→ ${result.file}`);
}
