import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_INLINE_SETTINGS } from '../../suggest/inline-settings';
import { InlineScheduler } from './inline-scheduler';

const ORIGIN = 'https://www.overleaf.com';

function setup() {
  const calls: string[] = [];
  const scheduler = new InlineScheduler(ORIGIN, {
    fire: () => calls.push('fire'),
    cancel: () => calls.push('cancel'),
    off: () => calls.push('off'),
  });
  return { scheduler, calls };
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
});
