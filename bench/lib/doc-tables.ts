/**
 * What the docs' generated regions say, rendered from the results files the
 * bench writes (bench/report.ts puts them between the markers). Each renderer
 * takes a parsed results file and returns Markdown; nothing here measures.
 */
import { bestRound } from './rounds';

/** ", `--quick`" or ", full"; nothing for files written before the bench recorded it. */
const runKind = (r: { quick?: boolean }) => (r.quick === true ? ', `--quick`' : r.quick === false ? ', full' : '');
const load = (l: number[] | undefined) => (l ? l.map((x) => x.toFixed(1)).join(' ') : 'not recorded');
/** The speed table's `ours` row for a thread count in Chromium on the bundled model. */
export const oursRow = (speed: any, threads: number) => speed.results.find((r: any) => r.env === 'chromium' && r.model === 'bundled' && r.runner === 'ours' && r.threads === threads);

/** Firefox against Chromium on one thread, the best of the rounds of one run (from every round's values: older files kept only decode speeds in the Chromium side's `best`). */
export function firefoxSummary(ff: any) {
  const f = bestRound(ff.all);
  const c = bestRound(ff.chromium_1_thread_same_run.all);
  return { f, c, ratio: (f.decode_tokens_per_s / c.decode_tokens_per_s).toFixed(2), ratioVaried: (f.decode_tokens_per_s_varied / c.decode_tokens_per_s_varied).toFixed(2) };
}

export function firefoxTable(ff: any, source: string): string {
  const { f, c, ratio, ratioVaried } = firefoxSummary(ff);
  const line = (env: string, model: string, r: any) =>
    `| ${env} | ${model} | ours | 1 | ${r.cross_origin_isolated ? 'yes' : 'no'} | ${r.cold_start_ms} | ${r.ttft_ms_16} | ${r.ttft_ms_256} | ${r.decode_tokens_per_s} | ${r.decode_tokens_per_s_varied} |`;
  return [
    `Generated from \`${source}\` (${ff.date}${runKind(ff)}): ${ff.firefox}, ${ff.runs} timed runs per median, best of ${ff.rounds} round(s); ${ff.machine.cpus} cores (load ${load(ff.machine.loadavg)}).`,
    '',
    '| env | model | runner | threads | cross-origin isolated | cold start ms | TTFT 16 ms | TTFT 256 ms | decode tok/s | decode tok/s, varied prompts |',
    '| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    line('firefox', `bundled (${ff.model.layers} layers, d${ff.model.d})`, f),
    line('chromium (same run, extension tab)', 'bundled', c),
    '',
    `Firefox decode: **${f.decode_tokens_per_s} tokens/s, single thread** — ${ratio}× Chromium's ${c.decode_tokens_per_s} tok/s on one thread in the same run (${ratioVaried}× over the varied prompts: ${f.decode_tokens_per_s_varied} vs ${c.decode_tokens_per_s_varied}).`,
  ].join('\n');
}

export function typingCostTable(tc: any, source: string): string {
  return [
    `Generated from \`${source}\` (${tc.date}${runKind(tc)}: ${tc.results[0].keystrokes} keystrokes; load average at the end ${load(tc.machine.load_average_at_end)}).`,
    '',
    '| threads | ghost p50 ms | ghost p95 ms | ghost + alternatives p50 ms | ghost + alternatives p95 ms | ghosts shown |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...tc.results.map((r: any) => `| ${r.threads_used} | ${r.ghost_p50_ms} | ${r.ghost_p95_ms} | ${r.with_alternatives_p50_ms} | ${r.with_alternatives_p95_ms} | ${r.ghosts_shown} |`),
  ].join('\n');
}

/** Issue 16's goal for the typing path: pause-to-ghost p95 ≤ 40 ms at 1 thread in Chromium. */
export const TYPING_P95_GOAL_MS = 40;

function typingGoal(t: any): string {
  const one = t.results.find((r: any) => r.threads === 1);
  if (!one) return 'No 1-thread row in this run.';
  const p95 = one.pause_to_ghost_p95_ms;
  const verdict = p95 <= TYPING_P95_GOAL_MS ? 'met' : `missed by ${(p95 - TYPING_P95_GOAL_MS).toFixed(1)} ms`;
  return `Goal: pause-to-ghost p95 ≤ ${TYPING_P95_GOAL_MS} ms at 1 thread — ${p95} ms over ${one.ghosts_shown} ghosts, ${verdict}. The typist's intervals: median ${t.typist.delay_p50_ms} ms, p95 ${t.typist.delay_p95_ms} ms.`;
}

/** The test build's marks along each ghost's path (bench/lib/trace-breakdown.ts), where a run has them. */
function whereTheTimeGoes(t: any): string[] {
  const rows = t.results.filter((r: any) => r.where_the_time_goes_ms);
  if (rows.length === 0) return [];
  const names = Object.keys(rows[0].where_the_time_goes_ms.median);
  return [
    '',
    'Where the time goes, ms (median over the ghosts with every mark; and the ghost at the p95 latency):',
    '',
    `| interval | ${rows.map((r: any) => `${r.threads} thread(s): median | ${r.threads} thread(s): p95 ghost`).join(' | ')} |`,
    `| --- | ${rows.map(() => '---: | ---:').join(' | ')} |`,
    ...names.map((n) => `| ${n} | ${rows.map((r: any) => `${r.where_the_time_goes_ms.median[n]} | ${r.where_the_time_goes_ms.p95Ghost[n]}`).join(' | ')} |`),
    `| total | ${rows.map((r: any) => `${r.pause_to_ghost_p50_ms} (p50) | ${r.where_the_time_goes_ms.p95Ghost.total}`).join(' | ')} |`,
  ];
}

export function typingTable(t: any, source: string): string {
  return [
    `Generated from \`${source}\` (${t.date}${runKind(t)}: typist seed ${t.typist.seed}, ${t.chars_per_s} characters/s on average, pause trigger ${t.settings.pauseMs} ms; load average at the end ${load(t.machine.load_average_at_end)}).`,
    '',
    '| threads (used) | characters | pauses > trigger | ghosts shown | pause-to-ghost p50 ms | pause-to-ghost p95 ms | offscreen CPU ms / 100 chars |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...t.results.map((r: any) => `| ${r.threads} (${r.threads_used}) | ${r.characters} | ${r.pauses_over_trigger} | ${r.ghosts_shown} | ${r.pause_to_ghost_p50_ms} | ${r.pause_to_ghost_p95_ms} | ${r.offscreen_cpu_ms_per_100_chars} |`),
    '',
    typingGoal(t),
    ...whereTheTimeGoes(t),
  ].join('\n');
}

export function soakTable(s: any, source: string): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const outcomes = Object.entries<number>(s.outcomes).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `Generated from \`${source}\` (${s.date}): ${s.rounds} rounds, ${s.max_new_tokens} new tokens per generation, worker killed at round ${s.kill_at_round ?? Math.floor(s.rounds / 2) /* files from before it was recorded: halfway */}; load average at the end ${load(s.machine.load_average_at_end)}.`,
    '',
    '| generations | jobs that never ended | user texts changed | offscreen MiB after 10 generations | offscreen MiB at the end | growth (bar ≤ 10 %) | wall s | result |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${s.generations} | ${s.stuck.length} | ${s.damagedTexts.length} | ${mib(s.baselineBytes)} | ${mib(s.finalBytes)} | ${(s.growth * 100).toFixed(1)} % | ${s.seconds.toFixed(0)} | ${s.pass ? 'PASS' : 'FAIL'} |`,
    '',
    `Outcomes: ${outcomes}.`,
  ].join('\n');
}

export function runTimes(run: any, source: string): string {
  return [
    `Generated from \`${source}\` (started ${run.date}): \`npm run bench${run.quick ? ' -- --quick' : ''}\` (${run.runs} timed runs per median, ${run.rounds} round(s)) ${run.complete === false ? `was stopped after ${run.wall_s} s, before it finished` : `took **${run.wall_s} s**`} after its prerequisites were installed${run.failures.length ? `; ${run.failures.length} phase(s) failed` : ''}; load average at the end ${load(run.load_average_at_end)}${run.cores ? ` on ${run.cores} cores` : ''}.`,
    '',
    `| phase | ${run.phases.map((p: any) => p.name).join(' | ')} |`,
    `| --- | ${run.phases.map(() => '---:').join(' | ')} |`,
    `| seconds | ${run.phases.map((p: any) => p.seconds).join(' | ')} |`,
  ].join('\n');
}

const fmt0 = (x: number) => x.toFixed(0);

/** README: the machine, decode speed, ratios and first-token latency in Chromium on the bundled model. */
export function readmeSpeed(speed: any, source: string): string {
  const one = oursRow(speed, 1);
  const two = oursRow(speed, 2);
  return `On the ${speed.machine.cores}-core test machine (${speed.machine.cpu}, shared with other work), greedy, it wrote ${fmt0(one.decode_tokens_per_s)} tokens/s on one thread and ${fmt0(two.decode_tokens_per_s)} on two in Chromium (${one.decode_vs_transformersjs}× and ${two.decode_vs_transformersjs}× transformers.js on the same model for the benchmark's first prompt, ${one.decode_varied_vs_transformersjs}× and ${two.decode_varied_vs_transformersjs}× over eight varied prompts); first words came ${fmt0(one.ttft_ms_16)} ms after the request for a short prompt and ${fmt0(one.ttft_ms_256_continued)} ms when continuing a text it had just completed (one thread; \`${source}\`, ${speed.date.slice(0, 10)}, ${speed.quick ? 'a quick run' : 'a full run'})`;
}

/** README: how soon after a typing pause the ghost appears, at one thread. */
export function readmeTyping(t: any, source: string): string {
  const one = t.results.find((r: any) => r.threads === 1);
  return `typed at ${t.chars_per_s} characters/s into the Overleaf-like editor, the ghost text appeared ${one.pause_to_ghost_p50_ms} ms (median) and ${one.pause_to_ghost_p95_ms} ms (95th percentile) after the pause ended, over ${one.ghosts_shown} suggestions (one thread; \`${source}\`, ${t.date.slice(0, 10)}, ${t.quick ? 'a quick run' : 'a full run'})`;
}

/** README: the shipped model's and draft table's sizes, as the bench read them. */
export function readmeModel(speed: any): string {
  const m = speed.models.bundled;
  return `${(m.onnx_bytes / 1e6).toFixed(0)} MB, int8`;
}

export function readmeDraft(speed: any): string {
  const m = speed.models.bundled;
  return m.draft_table_bytes == null ? 'a table' : `a ${(m.draft_table_bytes / 1e6).toFixed(1)} MB table`;
}

/** README: Firefox against Chromium on one thread, and how long loading took. */
export function readmeFirefox(ff: any, source: string): string {
  const { f, ratio } = firefoxSummary(ff);
  return `${ratio}× Chrome's one-thread decode speed, measured side by side (\`${source}\`, ${ff.date.slice(0, 10)}); loading took ${fmt0(f.cold_start_ms)} ms there`;
}

/** README: the model card's headline bits per byte (written by model_creation/ship.sh with `npm run eval`). */
export function modelCardBitsPerByte(card: string): string {
  const m = /: (\d+\.\d+) bits per byte\.\*\*/.exec(card);
  if (!m) throw new Error('the model card has no "…: X bits per byte.**" headline');
  return `${Number(m[1]).toFixed(2)} bits per byte`;
}
