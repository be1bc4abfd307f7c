import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silenceWatchdog, startKeepalive } from './keepalive';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('silenceWatchdog', () => {
  it('fires once after the timeout when nothing arrives', () => {
    const onSilent = vi.fn();
    silenceWatchdog(10_000, onSilent);
    vi.advanceTimersByTime(9_999);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('each poke restarts the countdown', () => {
    const onSilent = vi.fn();
    const dog = silenceWatchdog(10_000, onSilent);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(9_000);
      dog.poke();
    }
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it('never fires after stop, even if poked', () => {
    const onSilent = vi.fn();
    const dog = silenceWatchdog(10_000, onSilent);
    dog.stop();
    dog.poke();
    vi.advanceTimersByTime(60_000);
    expect(onSilent).not.toHaveBeenCalled();
  });
});

describe('startKeepalive', () => {
  it('sends on every interval until stopped', () => {
    const send = vi.fn();
    const stop = startKeepalive(send, 2_000);
    vi.advanceTimersByTime(1_999);
    expect(send).not.toHaveBeenCalled();
    vi.advanceTimersByTime(8_001);
    expect(send).toHaveBeenCalledTimes(5);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(send).toHaveBeenCalledTimes(5);
  });
});
