/**
 * The offscreen end of an engine Port, against the real router and the real
 * engine on the tiny fixture, with an in-memory Port pair for the browser's
 * Port. The case that matters: the service worker was stopped but Chromium
 * did not disconnect the Port, so only the missing keepalives tell us; the
 * generation must be cancelled or it would hold the one ONNX session.
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../engine';
import { DEFAULT_SAMPLING } from '../../engine/sampling-options';
import { DEFAULT_INLINE_SETTINGS } from '../../suggest/inline-settings';
import { portPair } from '../test-support/port-pair';
import { EngineHost } from './engine-host';
import { serveEnginePort } from './engine-port';
import { GenerationRouter } from './generation-router';
import { pacedSink } from './paced-sink';

const FIXTURE = resolve(import.meta.dirname, '../../../tests/fixtures/tiny-gpt2');
const host = new EngineHost({ load: () => loadEngine(FIXTURE, { threads: 1 }) });
const router = new GenerationRouter(host);
afterAll(() => host.unload());

const SILENCE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const types = (received: unknown[]) => received.map((m) => (m as { type: string }).type);

function open(fieldKey: string, maxNewTokens: number, testPaceMs?: number) {
  const [background, offscreen] = portPair('aa:engine');
  serveEnginePort(offscreen, { router, pace: pacedSink, silenceTimeoutMs: SILENCE_MS });
  background.postMessage({
    type: 'engine:generate',
    fieldKey,
    owner: `tab-${fieldKey}`,
    cacheKey: 'https://a.example',
    prompt: 'We propose a',
    options: { ...DEFAULT_SAMPLING, maxNewTokens, stopAtSentenceEnd: false, ignoreEos: true },
    idleUnloadMinutes: 10,
    ...(testPaceMs ? { testPaceMs } : {}),
  });
  return background;
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

describe('serveEnginePort', () => {
  it('streams to done while the background keeps talking', async () => {
    const background = open('t:0:a', 8, 100);
    const keepalive = setInterval(() => background.postMessage({ type: 'keepalive' }), SILENCE_MS / 3);
    try {
      await until(() => types(background.received).includes('done'));
    } finally {
      clearInterval(keepalive);
    }
    // 8 paced events at 100 ms outlast the 300 ms silence limit: keepalives kept it going.
    expect(types(background.received).filter((t) => t === 'delta').length).toBeGreaterThan(0);
    expect(background.closed).toBe(false);
  });

  it('a silent background: cancels, disconnects, and frees the engine for the next field', async () => {
    const orphan = open('t:0:orphan', 200, 50);
    await until(() => types(orphan.received).includes('delta'));
    await until(() => orphan.closed, 5_000);
    const seen = orphan.received.length;
    expect(types(orphan.received)).not.toContain('done');
    expect(router.activeFields).not.toContain('t:0:orphan');

    const next = open('t:0:next', 4);
    const keepalive = setInterval(() => next.postMessage({ type: 'keepalive' }), SILENCE_MS / 3);
    try {
      await until(() => types(next.received).includes('done'), 10_000);
    } finally {
      clearInterval(keepalive);
    }
    await sleep(200);
    expect(orphan.received.length).toBe(seen);
  });

  it('an inline suggestion ends with its candidates; bad inline settings are refused with the reason', async () => {
    const [background, offscreen] = portPair('aa:engine');
    serveEnginePort(offscreen, { router });
    const request = { type: 'engine:suggest', fieldKey: 'tab9:suggest', owner: 'tab9', cacheKey: 'https://a.example', text: 'We propose a', count: 3, idleUnloadMinutes: 10 };
    background.postMessage({ ...request, settings: { ...DEFAULT_INLINE_SETTINGS, minConfidence: 0.05 } });
    await until(() => types(background.received).includes('suggested'));
    const final = background.received.at(-1) as { candidates: Array<{ text: string; confidence: number }> };
    expect(Array.isArray(final.candidates)).toBe(true);
    expect(types(background.received).every((t) => t === 'loading' || t === 'ghost' || t === 'suggested')).toBe(true);

    const [bad, badOffscreen] = portPair('aa:engine');
    serveEnginePort(badOffscreen, { router });
    bad.postMessage({ ...request, settings: { maxWords: 500 } });
    await until(() => bad.received.length > 0);
    expect(bad.received[0]).toEqual({ type: 'error', code: 'bad-request', message: 'maxWords must be a whole number from 1 to 20' });

    const [none, noneOffscreen] = portPair('aa:engine');
    serveEnginePort(noneOffscreen, { router });
    none.postMessage({ ...request, count: 0, settings: DEFAULT_INLINE_SETTINGS });
    await until(() => none.received.length > 0);
    expect(none.received[0]).toEqual(expect.objectContaining({ type: 'error', code: 'bad-request' }));
  });
});
