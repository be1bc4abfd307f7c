/**
 * The client's side of a generation Port, on WXT's fake browser with an
 * in-memory Port standing in for chrome.runtime.connect (not implemented by
 * the fake; the Port is the browser's API, not ours). Fake timers drive the
 * keepalive timeout: Chromium does not always disconnect the Port of a
 * stopped service worker, so silence alone must end the generation.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { doneMessage, startGeneration, type GenerationError } from './generation-client';
import { INTERRUPTED_MESSAGE, KEEPALIVE_INTERVAL_MS, SILENCE_TIMEOUT_MS } from './protocol';
import { portPair } from './test-support/port-pair';

type End = ReturnType<typeof portPair>[0];
let background: End;
let client: End;

beforeEach(() => {
  vi.useFakeTimers();
  fakeBrowser.reset();
  [client, background] = portPair('aa:generate');
  vi.spyOn(fakeBrowser.runtime, 'connect').mockImplementation((() => client) as never);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** Lets the in-memory Port deliver (it uses microtasks). */
const flush = () => vi.advanceTimersByTimeAsync(0);

function start() {
  const events: string[] = [];
  const errors: GenerationError[] = [];
  const handle = startGeneration(
    { fieldId: 'f', prompt: 'We propose' },
    {
      onLoading: () => events.push('loading'),
      onDelta: (t) => events.push(`delta:${t}`),
      onDone: () => events.push('done'),
      onError: (e) => (errors.push(e), events.push(`error:${e.code}`)),
    },
  );
  return { handle, events, errors };
}

const DONE = { type: 'done', result: { text: ' a', tokens: 1, stopReason: 'max_tokens', timeToFirstTokenMs: 1, totalMs: 2 } };

describe('startGeneration: a silent background', () => {
  it('ends with `interrupted` and the clear message after SILENCE_TIMEOUT_MS without any message', async () => {
    const { handle, events, errors } = start();
    await flush();
    expect(background.received[0]).toMatchObject({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    background.postMessage({ type: 'delta', text: ' a' });
    await flush();
    await vi.advanceTimersByTimeAsync(SILENCE_TIMEOUT_MS - 1);
    expect(handle.active).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['delta: a', 'error:interrupted']);
    expect(errors[0]).toEqual({ code: 'interrupted', message: INTERRUPTED_MESSAGE });
    expect(handle.active).toBe(false);
    // The dead Port is let go, so a late message from a revived worker cannot reach us.
    expect(client.closed).toBe(true);
  });

  it('times out even if the worker never answered at all', async () => {
    const { events } = start();
    await vi.advanceTimersByTimeAsync(SILENCE_TIMEOUT_MS);
    expect(events).toEqual(['error:interrupted']);
  });

  it('keepalives keep a long model load alive; they reach no handler', async () => {
    const { handle, events } = start();
    background.postMessage({ type: 'loading' });
    for (let t = 0; t < 60_000; t += KEEPALIVE_INTERVAL_MS) {
      await vi.advanceTimersByTimeAsync(KEEPALIVE_INTERVAL_MS);
      background.postMessage({ type: 'keepalive' });
    }
    await flush();
    expect(handle.active).toBe(true);
    expect(events).toEqual(['loading']);
    background.postMessage(DONE);
    await flush();
    expect(events).toEqual(['loading', 'done']);
  });

  it('no timeout after done, error or cancel', async () => {
    const a = start();
    background.postMessage(DONE);
    await flush();
    await vi.advanceTimersByTimeAsync(SILENCE_TIMEOUT_MS * 3);
    expect(a.events).toEqual(['done']);

    [client, background] = portPair('aa:generate');
    const b = start();
    b.handle.cancel();
    await vi.advanceTimersByTimeAsync(SILENCE_TIMEOUT_MS * 3);
    expect(b.events).toEqual([]);
    expect(background.received).toEqual([expect.objectContaining({ type: 'generate' }), { type: 'cancel' }]);
  });

  it('a disconnect still reports `interrupted` at once, and only once', async () => {
    const { events } = start();
    await flush();
    background.disconnect();
    await flush();
    expect(events).toEqual(['error:interrupted']);
    await vi.advanceTimersByTimeAsync(SILENCE_TIMEOUT_MS * 2);
    expect(events).toEqual(['error:interrupted']);
  });
});

describe('doneMessage', () => {
  const result = { text: ' a b', tokens: 2, stopReason: 'max_tokens' as const, timeToFirstTokenMs: 1, totalMs: 2 };
  it('says what the engine clamped, so the user sees why and where to fix it', () => {
    expect(doneMessage(result)).toBe('Done (2 tokens).');
    const topK = "Top-k 10000 is more than this model's 8192 tokens; used 8192.";
    expect(doneMessage({ ...result, adjustments: [{ setting: 'topK', requested: 10000, used: 8192, message: topK }] })).toBe(
      `Done (2 tokens). Note: ${topK} Change it in the extension's settings.`,
    );
    expect(doneMessage({ ...result, text: '', tokens: 0 })).toBe('The model had nothing to add here.');
  });
});
