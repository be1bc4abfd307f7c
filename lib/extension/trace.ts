/**
 * Test builds only: timestamps along an inline suggestion's path, so that
 * bench/typing.ts can say what the pause-to-ghost latency is made of (which
 * hop, the engine, or a timer that fired late) instead of guessing. Each
 * context keeps its own marks; the bench reads them all afterwards and puts
 * them on one clock (performance.timeOrigin + now() is wall-clock based in
 * every process). Production builds compile every call to nothing.
 */
export type TraceStage =
  /** ISOLATED: the typing pause is over, the editor's text is asked for. */
  | 'ask'
  /** ISOLATED: the text arrived, the request goes to the background. */
  | 'context'
  /** Background: the suggest request arrived on its Port. */
  | 'request'
  /** Background: the request was posted to the engine. */
  | 'to-engine'
  /** Offscreen: the engine started on it (after any queued job). */
  | 'engine-start'
  /** Offscreen: the engine has the ghost's first word. */
  | 'engine-ghost'
  /** Background: it relayed that first ghost. */
  | 'relayed'
  /** ISOLATED: the first ghost arrived. */
  | 'received'
  /** ISOLATED: the pause is over, the first ghost goes to be drawn (it was held if it came early). */
  | 'released'
  /** MAIN: the first ghost is drawn in the editor. */
  | 'drawn';

/** Where an ISOLATED content script leaves its marks: the page can read the DOM, not the isolated world. */
export const TRACE_ATTRIBUTE = 'data-aa-trace';
/** Where every other context keeps them. */
export const TRACE_GLOBAL = '__aaTrace';
const KEEP = 2000;

type Mark = [TraceStage, number];

export function traceMark(stage: TraceStage, where: 'isolated' | 'global' = 'global'): void {
  if (import.meta.env.MODE !== 'test') return;
  const mark: Mark = [stage, performance.timeOrigin + performance.now()];
  if (where === 'isolated') {
    const root = document.documentElement;
    const kept = JSON.parse(root.getAttribute(TRACE_ATTRIBUTE) ?? '[]') as Mark[];
    root.setAttribute(TRACE_ATTRIBUTE, JSON.stringify([...kept.slice(-KEEP + 1), mark]));
    return;
  }
  const g = globalThis as unknown as Record<string, Mark[] | undefined>;
  const marks = (g[TRACE_GLOBAL] ??= []);
  marks.push(mark);
  if (marks.length > KEEP) marks.splice(0, marks.length - KEEP);
}
