/**
 * What a pause-to-ghost latency is made of: the marks the test build leaves
 * along an inline suggestion's path (lib/extension/trace.ts), cut into the
 * intervals between them, from the end of the typing pause to the ghost on
 * screen (the first interval is negative when the request started early). All times are epoch milliseconds (performance.timeOrigin + now()).
 */
import type { TraceStage } from '../../lib/extension/trace';
import { percentile } from './percentile';

export type Mark = [TraceStage, number];

/** Each interval ends at a stage (or, for the last, at the ghost on screen); in path order. */
export const INTERVALS: Array<[name: string, end: TraceStage | 'screen']> = [
  // Negative when the request started before the pause ended (InlineScheduler's early start).
  ['asked, from the pause end', 'ask'],
  ['editor text (MAIN round trip)', 'context'],
  ['to background (Port)', 'request'],
  ['background routing', 'to-engine'],
  ['to engine + queue', 'engine-start'],
  ['engine: first word', 'engine-ghost'],
  ['engine to background', 'relayed'],
  ['background to content script', 'received'],
  ['held until the pause ended', 'released'],
  ['drawn (ISOLATED → MAIN, editor update)', 'drawn'],
  ['on screen', 'screen'],
];

export type Breakdown = Record<string, number>;

/**
 * The intervals of one ghost: each stage is the first mark of its kind after
 * the previous stage (and after the last keystroke). Null when a stage is
 * missing (a mark was cut, or the ghost came another way).
 */
export function breakdown(lastKey: number, pauseEnd: number, ghostAt: number, marks: readonly Mark[]): Breakdown | null {
  const sorted = [...marks].sort((a, b) => a[1] - b[1]);
  const out: Breakdown = {};
  let prev = pauseEnd;
  let after = lastKey;
  for (const [name, end] of INTERVALS) {
    const t = end === 'screen' ? ghostAt : sorted.find(([stage, at]) => stage === end && at >= after)?.[1];
    if (t === undefined) return null;
    out[name] = round(t - prev);
    prev = t;
    after = t;
  }
  return out;
}

export interface WhereTime {
  ghosts: number;
  median: Breakdown;
  /** The ghost at the p95 latency: what the tail is made of. */
  p95Ghost: Breakdown & { total: number };
}

export function summarize(rows: readonly Breakdown[]): WhereTime | null {
  if (rows.length === 0) return null;
  const median: Breakdown = {};
  for (const [name] of INTERVALS) median[name] = round(percentile(rows.map((r) => r[name]), 0.5));
  const totals = rows.map((r) => total(r));
  const at = percentile(totals, 0.95);
  const p95 = rows.reduce((best, r) => (Math.abs(total(r) - at) < Math.abs(total(best) - at) ? r : best));
  return { ghosts: rows.length, median, p95Ghost: { ...p95, total: round(total(p95)) } };
}

const total = (r: Breakdown) => Object.values(r).reduce((a, b) => a + b, 0);
const round = (x: number) => Math.round(x * 10) / 10;
