/**
 * The soak: many generations from three tabs and the popup at once, with
 * cancels (Esc), supersedes (a second request for the same field) and one
 * killed service worker. Shared by the short run in `npm test`
 * (e2e/soak.test.ts) and the long one in `npm run bench` (bench/soak.ts).
 *
 * What it checks is what a user would notice: every user text is intact
 * (generated text only ever follows it), every job ends (done, cancelled or
 * an error; never stuck), and the offscreen document's memory does not grow
 * with the number of generations.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Harness, LaunchOptions } from './harness';

/** Lets the soak collect garbage in the offscreen document before it reads memory. */
export const SOAK_LAUNCH: LaunchOptions = { extraArgs: ['--js-flags=--expose-gc'] };

export interface SoakOptions {
  /** Rounds of four generations (one per tab, one from the popup). */
  rounds: number;
  /** The round at whose start the service worker is killed. */
  killAtRound: number;
  /** Memory baseline after this many generations. */
  baselineAfter: number;
  log?: (line: string) => void;
}

export interface SoakReport {
  generations: number;
  outcomes: Record<string, number>;
  /** Tabs whose text lost or changed a character of what the user wrote. */
  damagedTexts: string[];
  /** Jobs that never ended. */
  stuck: string[];
  baselineBytes: number;
  finalBytes: number;
  growth: number;
  seconds: number;
}

interface Tab {
  page: Page;
  id: number;
  userText: string;
}

const TAB_TEXTS = [
  'We propose a method for learning sparse representations of graphs. ',
  'Deep reinforcement learning agents often fail to generalize because ',
  'In this paper, we study the convergence of stochastic gradient descent for ',
];

/**
 * In the page's own world: counts the Generate control's state changes on
 * its host element (the only part of our UI the page can see), so a job's
 * start and end are observed without reaching into the extension.
 */
/**
 * Source for `evaluate`: the bench runs this module under tsx, whose keepNames
 * wraps inner functions in a `__name` helper that the page does not have.
 */
function script<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
}

function installJobCounter(): void {
  const w = window as unknown as { __soak?: { starts: number; ends: number } };
  if (w.__soak) return;
  const counter = { starts: 0, ends: 0 };
  w.__soak = counter;
  let last = 'idle';
  const watch = (host: Element) =>
    new MutationObserver(() => {
      const state = host.getAttribute('data-state') ?? 'idle';
      if (state === last) return;
      if (state === 'generating') counter.starts++;
      else if (last === 'generating') counter.ends++;
      last = state;
    }).observe(host, { attributes: true, attributeFilter: ['data-state'] });
  const existing = document.querySelector('abstract-autocomplete-ui');
  if (existing) watch(existing);
  else
    new MutationObserver((_, observer) => {
      const host = document.querySelector('abstract-autocomplete-ui');
      if (!host) return;
      observer.disconnect();
      watch(host);
    }).observe(document.documentElement, { childList: true, subtree: true });
}

async function jobCounts(page: Page): Promise<{ starts: number; ends: number }> {
  return page.evaluate(() => (window as unknown as { __soak: { starts: number; ends: number } }).__soak);
}

/**
 * Resident memory of the extension's renderer process, which hosts the
 * offscreen document, onnxruntime's WASM heap and its worker threads (and the
 * popup, which stays open and small during the soak), after a full GC there.
 * WASM memory never shrinks, so a leak on either side shows as growth. The
 * process is found among this browser's renderers by its --extension-process
 * flag, so other Chromium instances on the machine do not count.
 */
export async function offscreenMemoryBytes(h: Harness): Promise<number> {
  const collected = await h.evalInTargetByUrl('offscreen.html', 'typeof gc === "function" ? (gc(), gc(), true) : false');
  if (collected === undefined) throw new Error('the offscreen document is not open');
  const pids = await h.rendererPids();
  let total = 0;
  for (const pid of pids) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (!cmdline.includes('--extension-process')) continue;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (rss) total += Number(rss[1]) * 1024;
  }
  if (total === 0) throw new Error('no extension renderer process found');
  return total;
}

/** One generation from the popup over the real Port protocol; resolves with how it ended. */
async function popupJob(popup: Page, fieldId: string, prompt: string, mode: 'done' | 'supersede' | 'cancel'): Promise<string[]> {
  return popup.evaluate(
    script(
      async ({ fieldId, prompt, mode }: { fieldId: string; prompt: string; mode: string }) => {
        const run = (onFirstDelta?: (port: chrome.runtime.Port) => string | undefined) =>
          new Promise<string>((resolve) => {
            const port = chrome.runtime.connect({ name: 'aa:generate' });
            const timer = setTimeout(() => resolve('stuck'), 60_000);
            let settled = false;
            let deltas = 0;
            const finish = (outcome: string) => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              resolve(outcome);
            };
            port.onMessage.addListener((m: { type: string; code?: string }) => {
              if (m.type === 'done') finish('done');
              else if (m.type === 'error') finish(`error:${m.code}`);
              else if (m.type === 'delta' && deltas++ === 0 && onFirstDelta) {
                const outcome = onFirstDelta(port);
                if (outcome) finish(outcome);
              }
            });
            port.onDisconnect.addListener(() => finish('error:disconnected'));
            port.postMessage({ type: 'generate', fieldId, prompt, source: 'popup' });
          });
        if (mode === 'cancel') {
          return [
            await run((port) => {
              port.postMessage({ type: 'cancel' });
              port.disconnect();
              return 'cancelled';
            }),
          ];
        }
        if (mode === 'supersede') {
          // The first runs on the test build's slow engine, so it surely still holds the engine
          // when the second request for the same field arrives and replaces it.
          await chrome.storage.session.set({ testFault: 'slow' });
          let second: Promise<string> | undefined;
          const first = run(() => {
            second = chrome.storage.session.remove('testFault').then(() => run());
            return undefined;
          });
          const firstOutcome = await first;
          while (!second) await new Promise((r) => setTimeout(r, 10));
          return [firstOutcome, await second];
        }
        return [await run()];
      },
      { fieldId, prompt, mode },
    ),
  );
}

export async function runSoak(h: Harness, options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const t0 = Date.now();
  const tabs: Tab[] = [];
  for (const [i, userText] of TAB_TEXTS.entries()) {
    const page = await h.openPage(`textarea.html?soak=${i}`);
    await page.evaluate(script(installJobCounter, undefined));
    const field = page.locator('textarea').first();
    await field.click();
    await page.keyboard.insertText(userText);
    // The context-menu path generates into the field that got the right-click.
    await field.click({ button: 'right' });
    await page.keyboard.press('Escape');
    tabs.push({ page, id: -1, userText });
  }
  const ids = await h.evalInWorker(async () => (await chrome.tabs.query({})).map((t) => ({ id: t.id!, url: t.url ?? '' })));
  for (const [i, tab] of tabs.entries()) tab.id = ids.find((t) => t.url.includes(`soak=${i}`))!.id;
  const popup = await h.openExtensionPage('popup.html');

  const outcomes: Record<string, number> = {};
  const count = (o: string) => (outcomes[o] = (outcomes[o] ?? 0) + 1);
  const stuck: string[] = [];
  let generations = 0;
  let baselineBytes = 0;

  for (let round = 0; round < options.rounds; round++) {
    const before = await Promise.all(tabs.map((t) => jobCounts(t.page)));
    // All three tabs ask at once, through the same handler the context menu calls.
    const triggered = await h.evalInWorker(
      async ({ tabIds }) => {
        const test = (globalThis as unknown as { __aaTest: { onContextMenuClicked: Function; CONTEXT_MENU_ID: string } }).__aaTest;
        const replies = await Promise.all(tabIds.map((id) => test.onContextMenuClicked({ menuItemId: test.CONTEXT_MENU_ID, frameId: 0, editable: true }, { id })));
        return replies.map((r: { ok: boolean }) => r.ok);
      },
      { tabIds: tabs.map((t) => t.id) },
    );
    const mode = round % 5 === 1 ? 'supersede' : round % 5 === 3 ? 'cancel' : 'done';
    const popupRun = popupJob(popup, 'soak-popup', `Round ${round}: we show that`, mode);
    if (round === options.killAtRound) {
      log(`round ${round}: killing the service worker while generations run`);
      await h.stopServiceWorker();
    } else if (round % 3 === 2) {
      // Every third round one tab's user presses Esc mid-generation.
      await tabs[round % tabs.length]!.page.locator('textarea').first().press('Escape');
    }
    for (const popupOutcome of await popupRun) {
      count(`popup ${popupOutcome}`);
      generations++;
      if (popupOutcome === 'stuck') stuck.push(`popup round ${round}`);
    }
    await Promise.all(
      tabs.map(async (tab, i) => {
        if (!triggered[i]) {
          count('tab not triggered');
          return;
        }
        generations++;
        // The page's own count of ended jobs: waits for that state, up to a minute (then the job is stuck).
        const done = await tab.page
          .waitForFunction((was) => (window as unknown as { __soak: { ends: number } }).__soak.ends > was, before[i]!.ends, { timeout: 60_000 })
          .then(() => true, () => false);
        if (!done) stuck.push(`tab ${i} round ${round}`);
        const ended = await tab.page.locator('abstract-autocomplete-ui').evaluate((el) => {
          const data = (el as HTMLElement).dataset;
          const reason = data.lastError ?? data.lastStopReason ?? 'unknown';
          delete data.lastError;
          delete data.lastStopReason;
          return reason;
        });
        count(`tab ${ended}`);
      }),
    );
    if (generations >= options.baselineAfter && baselineBytes === 0) {
      baselineBytes = await offscreenMemoryBytes(h);
      log(`after ${generations} generations: offscreen memory ${(baselineBytes / 2 ** 20).toFixed(1)} MiB`);
    }
  }
  const finalBytes = await offscreenMemoryBytes(h);
  log(`after ${generations} generations: offscreen memory ${(finalBytes / 2 ** 20).toFixed(1)} MiB`);

  const damagedTexts: string[] = [];
  for (const [i, tab] of tabs.entries()) {
    const value = await tab.page.locator('textarea').first().inputValue();
    if (!value.startsWith(tab.userText)) damagedTexts.push(`tab ${i}: ${JSON.stringify(value.slice(0, 120))}`);
  }
  await popup.close();
  for (const tab of tabs) await tab.page.close();
  return {
    generations,
    outcomes,
    damagedTexts,
    stuck,
    baselineBytes,
    finalBytes,
    growth: baselineBytes > 0 ? finalBytes / baselineBytes - 1 : Number.NaN,
    seconds: (Date.now() - t0) / 1000,
  };
}
