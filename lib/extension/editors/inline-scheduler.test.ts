import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_INLINE_SETTINGS } from '../../suggest/inline-settings';
import { InlineScheduler } from './inline-scheduler';
import { EarlyStart, LEAD_SHARE } from './early-start';

const ORIGIN = 'https://www.overleaf.com';

function setup() {
  const calls: string[] = [];
  const scheduler = new InlineScheduler(ORIGIN, {
    fire: () => calls.push('fire'),
    cancel: () => calls.push('cancel'),
    off: () => calls.push('off'),
    // Date.now is faked with the timers.
    clock: () => Date.now(),
  });
  return { scheduler, calls };
}

/** How many ms after a keystroke the scheduler asks. */
function askDelay(scheduler: InlineScheduler, calls: string[]): number {
  scheduler.keystroke();
  const before = calls.length;
  for (let ms = 1; ms <= 10_000; ms++) {
    vi.advanceTimersByTime(1);
    if (calls.length > before && calls.at(-1) === 'fire') return ms;
  }
  return Infinity;
}

describe('InlineScheduler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks after the pause; every keystroke cancels and starts the pause again', () => {
    const { scheduler, calls } = setup();
    scheduler.use({ ...DEFAULT_INLINE_SETTINGS, pauseMs: 150 });
    scheduler.keystroke();
    vi.advanceTimersByTime(100);
    scheduler.keystroke();
    vi.advanceTimersByTime(100);
    expect(calls).toEqual(['cancel', 'cancel']);
    vi.advanceTimersByTime(50);
    expect(calls).toEqual(['cancel', 'cancel', 'fire']);
  });

  it('Alt+\\ asks at once; a click cancels without asking', () => {
    const { scheduler, calls } = setup();
    scheduler.use(DEFAULT_INLINE_SETTINGS);
    scheduler.now();
    expect(calls).toEqual(['cancel', 'fire']);
    scheduler.keystroke();
    scheduler.cancel();
    vi.advanceTimersByTime(5000);
    expect(calls).toEqual(['cancel', 'fire', 'cancel', 'cancel']);
  });

  it('asks nothing before the settings are loaded, nor when inline is off globally or for this site', () => {
    const { scheduler, calls } = setup();
    scheduler.now();
    scheduler.use({ ...DEFAULT_INLINE_SETTINGS, enabled: false });
    scheduler.now();
    scheduler.use({ ...DEFAULT_INLINE_SETTINGS, sites: { [ORIGIN]: false } });
    scheduler.keystroke();
    vi.advanceTimersByTime(5000);
    expect(calls.filter((c) => c === 'fire')).toEqual([]);
    scheduler.use({ ...DEFAULT_INLINE_SETTINGS, enabled: false, sites: { [ORIGIN]: true } });
    scheduler.now();
    expect(calls.at(-1)).toBe('fire');
  });

  it('switching inline off clears at once, even a pause in progress', () => {
    const { scheduler, calls } = setup();
    scheduler.use(DEFAULT_INLINE_SETTINGS);
    scheduler.keystroke();
    scheduler.use({ ...DEFAULT_INLINE_SETTINGS, enabled: false });
    expect(calls).toEqual(['cancel', 'cancel', 'off']);
    vi.advanceTimersByTime(5000);
    expect(calls).not.toContain('fire');
  });

  /** A scheduler (pause 150 ms) whose one request so far took `ms` to answer. */
  function measured(ms: number) {
    const { scheduler, calls } = setup();
    scheduler.use({ ...DEFAULT_INLINE_SETTINGS, pauseMs: 150 });
    // Nothing measured yet: at the pause's end.
    expect(askDelay(scheduler, calls)).toBe(150);
    vi.advanceTimersByTime(ms);
    scheduler.onAnswer(() => undefined);
    return { scheduler, calls };
  }

  it('asks as early as recent requests took, and holds what they show until the pause is over', () => {
    const { scheduler, calls } = measured(30);
    // That request took 30 ms: the next is asked 30 ms before the pause ends.
    expect(askDelay(scheduler, calls)).toBe(120);
    const shown: string[] = [];
    vi.advanceTimersByTime(5);
    scheduler.onAnswer(() => shown.push('first word'));
    scheduler.onAnswer(() => shown.push('final'));
    vi.advanceTimersByTime(24);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual(['first word', 'final']);
    // Once the pause is over, at once.
    scheduler.onAnswer(() => shown.push('late'));
    expect(shown.at(-1)).toBe('late');
  });

  it('a keystroke, or a click, before the pause ends drops the held ghost with the request', () => {
    const { scheduler, calls } = measured(40);
    expect(askDelay(scheduler, calls)).toBe(110);
    const shown: string[] = [];
    scheduler.onAnswer(() => shown.push('stale'));
    vi.advanceTimersByTime(20);
    scheduler.keystroke();
    vi.advanceTimersByTime(5000);
    expect(shown).toEqual([]);
    expect(askDelay(scheduler, calls)).toBe(110);
    scheduler.onAnswer(() => shown.push('clicked away'));
    scheduler.cancel();
    vi.advanceTimersByTime(5000);
    expect(shown).toEqual([]);
  });

  it('never asks earlier than LEAD_SHARE of the pause, however slow the last requests were', () => {
    const { scheduler, calls } = measured(900);
    expect(askDelay(scheduler, calls)).toBe(150 - LEAD_SHARE * 150);
  });

  it('Alt+\\ shows what comes at once', () => {
    const { scheduler } = setup();
    scheduler.use(DEFAULT_INLINE_SETTINGS);
    scheduler.now();
    const shown: string[] = [];
    scheduler.onAnswer(() => shown.push('now'));
    expect(shown).toEqual(['now']);
  });
});

describe('EarlyStart', () => {
  it('leads by the slowest of the last 8 requests, capped at a share of the pause, ignoring nonsense', () => {
    const early = new EarlyStart();
    expect(early.lead(150)).toBe(0);
    early.observe(Number.NaN);
    early.observe(-5);
    expect(early.lead(150)).toBe(0);
    early.observe(25);
    early.observe(12);
    expect(early.lead(150)).toBe(25);
    expect(early.lead(50)).toBe(50 * LEAD_SHARE);
    // A slow one is forgotten after 8 more.
    for (let i = 0; i < 8; i++) early.observe(10);
    expect(early.lead(150)).toBe(10);
  });
});
