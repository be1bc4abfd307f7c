/**
 * The typing scenario in Chromium: an abstract typed at 6 characters per
 * second on average (a seeded, human-like rhythm: log-normal inter-key
 * intervals, longer after a word and after punctuation; bench/lib/typist.ts)
 * into the Overleaf-like test editor (e2e/overleaf-server.ts) with
 * inline suggestions on (default inline settings), in the built test
 * extension, at 1 and 2 ORT threads. Reports:
 *  - pause-to-ghost latency p50/p95: from the end of the typing pause (the
 *    last keystroke + pauseMs) to the ghost text on screen, over every ghost
 *    that appeared (a keystroke that comes first cancels the request: those
 *    count as not shown). The request itself starts somewhat earlier (the
 *    scheduler's early start) and its ghost is held until the pause ends, so
 *    the early requests a keystroke cancels show in the CPU column;
 *  - the offscreen document's CPU time per 100 characters typed: user +
 *    system time of the extension's renderer process (the offscreen document,
 *    onnxruntime's WASM threads and the idle service worker), from /proc.
 * Threads: the offscreen document starts onnxruntime with min(4, cores)
 * threads when cross-origin isolated; each run recreates the document with
 * navigator.hardwareConcurrency overridden (DevTools Emulation) before the
 * engine loads, and reads the thread count the engine reports.
 * Prints a table and writes bench/results/typing-<date>.json and typing-latest.json.
 *   tsx bench/typing.ts [--quick]      (prerequisite: npm run build:test)
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Page } from 'playwright-core';
import { launch, ROOT, type Harness } from '../e2e/harness';
import { setInlineSettings } from '../e2e/inline-helpers';
import { overleafLaunchOptions, startOverleafServer } from '../e2e/overleaf-server';
import { DEFAULT_INLINE_SETTINGS } from '../lib/suggest/inline-settings';
import { typingTable } from './lib/doc-tables';
import { FIRST_ABSTRACT } from './lib/prompts';
import { typingDelays } from './lib/typist';
import { percentile } from './lib/percentile';
import { isMain, makeLog, parseOptions, type BenchOptions } from './lib/options';
import { machineInfo, writeResult } from './lib/results';
import { breakdown, summarize, type Mark } from './lib/trace-breakdown';
import { TRACE_ATTRIBUTE, TRACE_GLOBAL } from '../lib/extension/trace';

const THREADS = [1, 2];
const CHARS_PER_S = 6;
const SEED = 11;
/** The first five words are already in the editor; typing starts with the sixth, like the simulated writer. */
const START = FIRST_ABSTRACT.split(' ').slice(0, 5).join(' ').length;
/** What is typed, with the typist's delays: the rest of the abstract, or its next 200 characters with --quick. */
function script(quick: boolean) {
  const typed = FIRST_ABSTRACT.slice(START, quick ? START + 200 : undefined);
  const delays = typingDelays(typed, { charsPerSecond: CHARS_PER_S, seed: SEED });
  /** Pauses long enough to trigger a request (the last character needs no pause: the run waits after it). */
  const triggering = delays.slice(0, -1).filter((d) => d > DEFAULT_INLINE_SETTINGS.pauseMs).length;
  return { typed, delays, triggering };
}
type Script = ReturnType<typeof script>;
const CLOCK_TICKS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Records every keydown and every ghost that appears where none was (with the
 * editor's text then), with performance.now(). A ghost that changes because
 * the user types through it is the same suggestion, not a new one.
 */
const RECORDER = `(() => {
  const w = window;
  w.__typing = { keys: [], ghosts: [] };
  document.addEventListener('keydown', () => w.__typing.keys.push(performance.now()), true);
  let last = false;
  const check = () => {
    const el = document.querySelector('.aa-ghost-text');
    const ghost = el ? el.textContent || '' : '';
    const shown = ghost.trim() !== '' && ghost !== '…';
    if (shown && !last) w.__typing.ghosts.push({ t: performance.now(), doc: w.__cm.state.doc.toString() });
    last = shown;
  };
  new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
})()`;

/** CPU seconds (user + system) of this browser's extension renderer processes. */
async function extensionCpuSeconds(h: Harness): Promise<number> {
  let ticks = 0;
  for (const pid of await h.rendererPids()) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--extension-process')) continue;
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited meanwhile
    }
  }
  return ticks / CLOCK_TICKS;
}

/** Closes the offscreen document, creates it again and returns once it answers. */
async function freshOffscreen(h: Harness): Promise<void> {
  await h.evalInWorker(async () => {
    if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
    await chrome.offscreen.createDocument({ url: 'offscreen.html', reasons: ['WORKERS' as chrome.offscreen.Reason], justification: 'typing benchmark' });
  });
  for (let i = 0; i < 100; i++) {
    const reply = await h.evalInWorker(() => chrome.runtime.sendMessage({ type: 'engine:status', target: 'offscreen' }).catch(() => undefined));
    if (reply) return;
    await sleep(100);
  }
  throw new Error('the offscreen document did not answer');
}

/** Polls the offscreen engine until it reports itself loaded (it loads on the first request). */
async function engineReady(h: Harness): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const status: any = await h.evalInWorker(() => chrome.runtime.sendMessage({ type: 'engine:status', target: 'offscreen' }).catch(() => undefined));
    if (status?.state === 'ready') return;
    if (status?.state === 'error') throw new Error(`the engine failed to load: ${status.error}`);
    await sleep(100);
  }
  throw new Error('the engine did not load within 2 minutes');
}

/** The test build's marks along each suggestion's path (lib/extension/trace.ts), from every context. */
async function traceMarks(h: Harness, page: Page, offscreen: (method: string, params?: Record<string, unknown>) => Promise<any>): Promise<Mark[]> {
  const read = `JSON.stringify(globalThis.${TRACE_GLOBAL} ?? [])`;
  const main = JSON.parse((await page.evaluate(read)) as string) as Mark[];
  const isolated = JSON.parse(((await page.evaluate(`document.documentElement.getAttribute('${TRACE_ATTRIBUTE}')`)) as string | null) ?? '[]') as Mark[];
  const worker = JSON.parse(await h.evalInWorker((name) => JSON.stringify((globalThis as any)[name] ?? []), TRACE_GLOBAL)) as Mark[];
  const reply = await offscreen('Runtime.evaluate', { expression: read, returnByValue: true });
  return [...main, ...isolated, ...worker, ...(JSON.parse(reply.result.value) as Mark[])];
}

async function run(h: Harness, projectUrl: string, threads: number, { typed: TYPED, delays: DELAYS, triggering: TRIGGERING_PAUSES }: Script) {
  await freshOffscreen(h);
  // The override lives as long as this DevTools session: the whole run happens inside it.
  const result = await h.withTargetByUrl('offscreen.html', async (send) => {
    await send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: threads });
    const page = await h.context.newPage();
    try {
      await page.goto(projectUrl);
      await page.waitForSelector('body[data-ready]');
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+End');
      // One pause before timing, so the engine is loaded (with the overridden thread count) and the text prefilled.
      await page.keyboard.type(' ');
      await page.keyboard.press('Backspace');
      await engineReady(h);
      // Then ask now (Alt+\) and give its ghost a moment: the text's first prefill is not a keystroke. A pause that
      // shows nothing (below the confidence cut) must not hold the run: waiting for a ghost that never came cost 2 minutes.
      await page.keyboard.press('Alt+Backslash');
      await page.locator('[data-abstract-autocomplete="ghost"]').first().waitFor({ timeout: 5_000 }).catch(() => undefined);
      // Page code as source: tsx's keepNames would wrap named functions in a helper the page lacks.
      await page.evaluate(RECORDER);
      const cpuBefore = await extensionCpuSeconds(h);
      const t0 = Date.now();
      let due = t0;
      for (let i = 0; i < TYPED.length; i++) {
        await page.keyboard.type(TYPED[i]);
        due += DELAYS[i];
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      await sleep(1500);
      const cpuAfter = await extensionCpuSeconds(h);
      const { keys, ghosts } = (await page.evaluate('window.__typing')) as { keys: number[]; ghosts: Array<{ t: number; doc: string }> };
      const marks = await traceMarks(h, page, send);
      const origin = (await page.evaluate('performance.timeOrigin')) as number;
      const latencies: number[] = [];
      const parts = [];
      for (const g of ghosts) {
        const key = keys.filter((k) => k <= g.t).pop();
        if (key === undefined) continue;
        latencies.push(g.t - key - DEFAULT_INLINE_SETTINGS.pauseMs);
        const b = breakdown(origin + key, origin + key + DEFAULT_INLINE_SETTINGS.pauseMs, origin + g.t, marks);
        if (b) parts.push(b);
      }
      return { latencies, where: summarize(parts), cpuSeconds: cpuAfter - cpuBefore, keystrokes: keys.length };
    } finally {
      await page.close();
    }
  });
  if (!result) throw new Error('the offscreen document is not open');
  const status: any = await h.evalInWorker(() => chrome.runtime.sendMessage({ type: 'engine:status', target: 'offscreen' }));
  return {
    threads,
    threads_used: status?.threads ?? null,
    characters: TYPED.length,
    pauses_over_trigger: TRIGGERING_PAUSES,
    ghosts_shown: result.latencies.length,
    pause_to_ghost_p50_ms: round(percentile(result.latencies, 0.5)),
    pause_to_ghost_p95_ms: round(percentile(result.latencies, 0.95)),
    offscreen_cpu_ms_per_100_chars: round((1000 * result.cpuSeconds * 100) / TYPED.length),
    where_the_time_goes_ms: result.where,
  };
}

export async function runTyping(opts: BenchOptions, log: (line: string) => void = makeLog('typing')) {
  const sc = script(opts.quick);
  const server = await startOverleafServer();
  const h = await launch(overleafLaunchOptions(server));
  const rows = [];
  try {
    await setInlineSettings(h, { ...DEFAULT_INLINE_SETTINGS, enabled: true });
    const url = server.projectUrl({ cm: 'new', variant: 'plain', text: FIRST_ABSTRACT.slice(0, START) });
    for (const threads of THREADS) {
      log(`${threads} thread(s): ${sc.typed.length} characters at ${CHARS_PER_S}/s`);
      rows.push(await run(h, url, threads, sc));
    }
    h.assertNoExternalRequests();
  } finally {
    await h.close();
    await server.close();
  }
  const result = {
    date: new Date().toISOString(),
    quick: opts.quick,
    chars_per_s: CHARS_PER_S,
    typist: { seed: SEED, delay_p50_ms: round(percentile(sc.delays, 0.5)), delay_p95_ms: round(percentile(sc.delays, 0.95)) },
    settings: DEFAULT_INLINE_SETTINGS,
    machine: machineInfo(),
    results: rows,
  };
  const file = writeResult('typing', result);
  console.log(`\nTyping in Chromium (Overleaf-like editor, default inline settings)\n${typingTable(result, relative(ROOT, file))}`);
  return result;
}

if (isMain(import.meta.url)) await runTyping(parseOptions());
