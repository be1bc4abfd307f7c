import { describe, expect, it } from 'vitest';
import { breakdown, INTERVALS, summarize, type Mark } from './trace-breakdown';

const path = (t0: number, steps: number[]): Mark[] => {
  const stages = INTERVALS.map(([, end]) => end).filter((s) => s !== 'screen') as Mark[0][];
  let t = t0;
  return stages.map((s, i) => [s, (t += steps[i])]);
};

describe('breakdown', () => {
  it('cuts the latency into the intervals between marks, from the pause end to the ghost on screen', () => {
    // key at 1000, pause end 1150; marks 2 ms late, then 1, 2, 1, 1, 20, 1, 1, 0, 2 ms apart; on screen 0.5 ms after the last.
    const marks = path(1150, [2, 1, 2, 1, 1, 20, 1, 1, 0, 2]);
    const b = breakdown(1000, 1150, 1181.5, marks)!;
    expect(b['asked, from the pause end']).toBe(2);
    expect(b['engine: first word']).toBe(20);
    expect(b['on screen']).toBe(0.5);
    expect(Object.values(b).reduce((a, x) => a + x, 0)).toBeCloseTo(31.5);
  });

  it('ignores marks of an earlier request (before the last keystroke) and takes each stage after the previous one', () => {
    const old = path(500, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const marks = [...old, ...path(1150, [3, 1, 1, 1, 1, 10, 1, 1, 0, 1])];
    expect(breakdown(1000, 1150, 1172, marks)!['asked, from the pause end']).toBe(3);
  });

  it('an early request: asked before the pause end, its ghost held until then; the intervals still add up to the latency', () => {
    // Asked 30 ms before the pause end (1120), first word 22 ms later, received at 1146, held to 1151.
    const marks = path(1120, [0, 1, 1, 1, 1, 20, 1, 1, 5, 1]);
    const b = breakdown(1000, 1150, 1152.5, marks)!;
    expect(b['asked, from the pause end']).toBe(-30);
    expect(b['held until the pause ended']).toBe(5);
    expect(Object.values(b).reduce((a, x) => a + x, 0)).toBeCloseTo(2.5);
  });

  it('gives null when a stage has no mark', () => {
    const marks = path(1150, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]).filter(([s]) => s !== 'relayed');
    expect(breakdown(1000, 1150, 1170, marks)).toBeNull();
  });
});

describe('summarize', () => {
  it('reports the median of each interval and the breakdown of the ghost at the p95 latency', () => {
    const rows = Array.from({ length: 20 }, (_, i) => breakdown(1000, 1150, 1150 + 30 + i, path(1150, [1, 1, 1, 1, 1, 20 + i, 1, 1, 0, 1]))!);
    const s = summarize(rows)!;
    expect(s.ghosts).toBe(20);
    expect(s.median['engine: first word']).toBe(30);
    expect(s.p95Ghost['engine: first word']).toBe(39);
    expect(s.p95Ghost.total).toBe(49);
    expect(summarize([])).toBeNull();
  });
});
