/**
 * Routing rules of the offscreen document, exercised against the real engine
 * on the tiny random-weight fixture (gibberish text, real token stream).
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../engine';
import { DEFAULT_SAMPLING } from '../../engine/sampling-options';
import type { Engine, GenerationResult } from '../../engine/types';
import type { ErrorCode } from '../protocol';
import { EngineHost } from './engine-host';
import { GenerationRouter, type GenerationSink } from './generation-router';

const FIXTURE = resolve(import.meta.dirname, '../../../tests/fixtures/tiny-gpt2');

function recorder() {
  const events: string[] = [];
  let text = '';
  let resolveEnd: (v: string) => void;
  const ended = new Promise<string>((r) => (resolveEnd = r));
  const sink: GenerationSink = {
    loading: () => events.push('loading'),
    delta: (t) => {
      text += t;
      events.push('delta');
    },
    done: (r: GenerationResult) => {
      events.push(`done:${r.stopReason}`);
      resolveEnd('done');
    },
    error: (code: ErrorCode) => {
      events.push(`error:${code}`);
      resolveEnd(code);
    },
  };
  return { sink, events, ended, text: () => text };
}

const loads: Engine[] = [];
const host = new EngineHost({
  load: async () => {
    const engine = await loadEngine(FIXTURE, { threads: 1 });
    loads.push(engine);
    return engine;
  },
});
const router = new GenerationRouter(host);
const options = { ...DEFAULT_SAMPLING, maxNewTokens: 12, seed: 1, stopAtSentenceEnd: false };

afterAll(() => host.unload());

describe('GenerationRouter', () => {
  it('loads the model once, streams deltas that add up to the result, then keeps it warm', async () => {
    const a = recorder();
    let final = '';
    router.start(
      { fieldKey: '1:0:a', prompt: 'We propose a', options, idleUnloadMinutes: 10 },
      { ...a.sink, done: (r) => ((final = r.text), a.sink.done(r)) },
    );
    expect(await a.ended).toBe('done');
    expect(a.events[0]).toBe('loading');
    expect(a.events.filter((e) => e === 'delta').length).toBeGreaterThan(0);
    expect(a.text()).toBe(final);

    const b = recorder();
    router.start({ fieldKey: '1:0:a', prompt: 'We propose a', options, idleUnloadMinutes: 10 }, b.sink);
    expect(await b.ended).toBe('done');
    expect(b.events).not.toContain('loading');
    expect(loads).toHaveLength(1);
    expect(host.status().state).toBe('ready');
  });

  it('a second request for the same field supersedes the first', async () => {
    const first = recorder();
    const second = recorder();
    const long = { ...options, maxNewTokens: 200 };
    router.start({ fieldKey: '1:0:same', prompt: 'Deep learning', options: long, idleUnloadMinutes: 10 }, first.sink);
    router.start({ fieldKey: '1:0:same', prompt: 'Deep learning', options, idleUnloadMinutes: 10 }, second.sink);
    expect(await first.ended).toBe('superseded');
    expect(await second.ended).toBe('done');
    // Nothing reaches the superseded sink after its error.
    expect(first.events.at(-1)).toBe('error:superseded');
    expect(router.activeFields).toEqual([]);
  });

  it('different fields do not cancel each other; they run one after the other', async () => {
    const a = recorder();
    const b = recorder();
    router.start({ fieldKey: '1:0:x', prompt: 'Transformers', options, idleUnloadMinutes: 10 }, a.sink);
    router.start({ fieldKey: '2:0:x', prompt: 'Transformers', options, idleUnloadMinutes: 10 }, b.sink);
    expect(await a.ended).toBe('done');
    expect(await b.ended).toBe('done');
  });

  it('cancel stops the stream and the sink hears nothing more', async () => {
    const a = recorder();
    const long = { ...options, maxNewTokens: 300 };
    let handle: { cancel(): void } | undefined;
    const deltas: string[] = [];
    handle = router.start(
      { fieldKey: '1:0:c', prompt: 'In this paper', options: long, idleUnloadMinutes: 10 },
      {
        ...a.sink,
        delta: (t) => {
          deltas.push(t);
          if (deltas.length === 2) handle?.cancel();
        },
      },
    );
    // A later request on another field proves the queue moved on.
    const b = recorder();
    router.start({ fieldKey: '1:0:d', prompt: 'In this paper', options, idleUnloadMinutes: 10 }, b.sink);
    expect(await b.ended).toBe('done');
    expect(deltas).toHaveLength(2);
    expect(a.events.some((e) => e.startsWith('done') || e.startsWith('error'))).toBe(false);
  });

  it('unloads after the idle time and reloads on demand', async () => {
    const timers: Array<() => void> = [];
    const idleHost = new EngineHost({
      load: () => loadEngine(FIXTURE, { threads: 1 }),
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => undefined,
    });
    const idleRouter = new GenerationRouter(idleHost);
    const a = recorder();
    idleRouter.start({ fieldKey: 'k', prompt: 'Graph', options, idleUnloadMinutes: 1 }, a.sink);
    await a.ended;
    expect(idleHost.status().state).toBe('ready');
    timers.at(-1)!();
    await new Promise((r) => setTimeout(r, 10));
    expect(idleHost.status().state).toBe('unloaded');
    const b = recorder();
    idleRouter.start({ fieldKey: 'k', prompt: 'Graph', options, idleUnloadMinutes: 1 }, b.sink);
    expect(await b.ended).toBe('done');
    expect(b.events[0]).toBe('loading');
    await idleHost.unload();
  });

  it('reports a model that cannot load as a clear error and stays usable', async () => {
    const badHost = new EngineHost({ load: () => loadEngine(resolve(FIXTURE, 'missing-dir'), { threads: 1 }) });
    const a = recorder();
    new GenerationRouter(badHost).start({ fieldKey: 'k', prompt: 'x', options, idleUnloadMinutes: 1 }, a.sink);
    expect(await a.ended).toBe('engine-failed');
    expect(badHost.status().state).toBe('error');
  });
});
