/**
 * Routing rules of the offscreen document, exercised against the real engine
 * on the tiny random-weight fixture (gibberish text, real token stream).
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../engine';
import { DEFAULT_SAMPLING, type SamplingAdjustment } from '../../engine/sampling-options';
import type { Engine, GenerationResult } from '../../engine/types';
import { BUSY_MESSAGE, STALLED_MESSAGE, type ErrorCode } from '../protocol';
import { EngineHost } from './engine-host';
import { GenerationRouter, type GenerationSink, type RouteRequest, type SuggestionSink } from './generation-router';
import { DEFAULT_INLINE_SETTINGS } from '../../suggest/inline-settings';
import type { Suggestion } from '../../suggest/suggester';
import { faultyEngine, scriptedEngine } from './test-faults';

const FIXTURE = resolve(import.meta.dirname, '../../../tests/fixtures/tiny-gpt2');

function recorder() {
  const events: string[] = [];
  const errors: string[] = [];
  let result: GenerationResult | undefined;
  let adjustments: SamplingAdjustment[] = [];
  let text = '';
  let resolveEnd: (v: string) => void;
  const ended = new Promise<string>((r) => (resolveEnd = r));
  const sink: GenerationSink = {
    loading: () => events.push('loading'),
    delta: (t) => {
      text += t;
      events.push('delta');
    },
    done: (r: GenerationResult, adj: SamplingAdjustment[]) => {
      result = r;
      adjustments = adj;
      events.push(`done:${r.stopReason}`);
      resolveEnd('done');
    },
    error: (code: ErrorCode, message: string) => {
      errors.push(message);
      events.push(`error:${code}`);
      resolveEnd(code);
    },
  };
  return { sink, events, errors, ended, text: () => text, result: () => result, adjustments: () => adjustments };
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
/** A request from tab 1 (owner and cache key as the background computes them) unless `extra` says otherwise. */
const req = (fieldKey: string, prompt: string, extra: Partial<RouteRequest> = {}): RouteRequest => ({
  fieldKey,
  owner: 'tab1',
  cacheKey: 'https://a.example',
  prompt,
  options,
  idleUnloadMinutes: 10,
  ...extra,
});

afterAll(() => host.unload());

describe('GenerationRouter', () => {
  it('loads the model once, streams deltas that add up to the result, then keeps it warm', async () => {
    const a = recorder();
    let final = '';
    router.start(
      req('1:0:a', 'We propose a'),
      { ...a.sink, done: (r, adj) => ((final = r.text), a.sink.done(r, adj)) },
    );
    expect(await a.ended).toBe('done');
    expect(a.events[0]).toBe('loading');
    expect(a.events.filter((e) => e === 'delta').length).toBeGreaterThan(0);
    expect(a.text()).toBe(final);

    const b = recorder();
    router.start(req('1:0:a', 'We propose a'), b.sink);
    expect(await b.ended).toBe('done');
    expect(b.events).not.toContain('loading');
    expect(loads).toHaveLength(1);
    expect(host.status().state).toBe('ready');
  });

  it('a second request for the same field supersedes the first', async () => {
    const first = recorder();
    const second = recorder();
    const long = { ...options, maxNewTokens: 200 };
    router.start(req('1:0:same', 'Deep learning', { options: long }), first.sink);
    router.start(req('1:0:same', 'Deep learning'), second.sink);
    expect(await first.ended).toBe('superseded');
    expect(await second.ended).toBe('done');
    // Nothing reaches the superseded sink after its error.
    expect(first.events.at(-1)).toBe('error:superseded');
    expect(router.activeFields).toEqual([]);
  });

  it('different fields do not cancel each other; they run one after the other', async () => {
    const a = recorder();
    const b = recorder();
    router.start(req('1:0:x', 'Transformers'), a.sink);
    router.start(req('2:0:x', 'Transformers'), b.sink);
    expect(await a.ended).toBe('done');
    expect(await b.ended).toBe('done');
  });

  it('cancel stops the stream and the sink hears nothing more', async () => {
    const a = recorder();
    const long = { ...options, maxNewTokens: 300 };
    let handle: { cancel(): void } | undefined;
    const deltas: string[] = [];
    handle = router.start(
      req('1:0:c', 'In this paper', { options: long }),
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
    router.start(req('1:0:d', 'In this paper'), b.sink);
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
    idleRouter.start(req('k', 'Graph', { idleUnloadMinutes: 1 }), a.sink);
    await a.ended;
    expect(idleHost.status().state).toBe('ready');
    timers.at(-1)!();
    await new Promise((r) => setTimeout(r, 10));
    expect(idleHost.status().state).toBe('unloaded');
    const b = recorder();
    idleRouter.start(req('k', 'Graph', { idleUnloadMinutes: 1 }), b.sink);
    expect(await b.ended).toBe('done');
    expect(b.events[0]).toBe('loading');
    await idleHost.unload();
  });

  it('reports a model that cannot load as a clear error and stays usable', async () => {
    const badHost = new EngineHost({ load: () => loadEngine(resolve(FIXTURE, 'missing-dir'), { threads: 1 }) });
    const a = recorder();
    new GenerationRouter(badHost).start(req('k', 'x', { idleUnloadMinutes: 1 }), a.sink);
    expect(await a.ended).toBe('engine-failed');
    expect(badHost.status().state).toBe('error');
  });

  it('caps the jobs one tab may have waiting; other tabs still run, in arrival order', async () => {
    const finished: string[] = [];
    const start = (fieldKey: string, owner: string) => {
      const r = recorder();
      router.start(req(fieldKey, 'Attention is', { owner }), { ...r.sink, done: (res, adj) => (finished.push(fieldKey), r.sink.done(res, adj)) });
      return r;
    };
    const flood = ['f1', 'f2', 'f3'].map((f) => start(`9:0:${f}`, 'tab9'));
    const refused = start('9:0:f4', 'tab9');
    const other = start('5:0:overleaf', 'tab5');
    expect(await refused.ended).toBe('busy');
    expect(refused.errors).toEqual([BUSY_MESSAGE]);
    expect(await other.ended).toBe('done');
    for (const f of flood) expect(await f.ended).toBe('done');
    expect(finished).toEqual(['9:0:f1', '9:0:f2', '9:0:f3', '5:0:overleaf']);
    // A request that replaces one of the tab's own fields is not an extra job; and once they end the tab may queue again.
    const again = start('9:0:f1', 'tab9');
    expect(await again.ended).toBe('done');
  });

  it('clamps settings the model cannot honour, completes, and reports what it changed', async () => {
    // The fixture has 384 tokens and a 128-token window.
    const a = recorder();
    router.start(req('1:0:clamp', 'We propose a', { options: { ...options, topK: 10_000, maxNewTokens: 512 } }), a.sink);
    expect(await a.ended).toBe('done');
    expect(a.result()!.tokens).toBeLessThanOrEqual(64);
    expect(a.adjustments()).toEqual([
      expect.objectContaining({ setting: 'topK', requested: 10_000, used: 384 }),
      expect.objectContaining({ setting: 'maxNewTokens', requested: 512, used: 64 }),
    ]);
    const b = recorder();
    router.start(req('1:0:clamp', 'We propose a'), b.sink);
    await b.ended;
    expect(b.adjustments()).toEqual([]);
  });

  it('inline suggestions: the newest for a tab supersedes the older, which delivers nothing', async () => {
    const outcomes: string[] = [];
    const sink = (name: string): SuggestionSink & { ended: Promise<void> } => {
      let end!: () => void;
      const ended = new Promise<void>((r) => (end = r));
      return {
        ended,
        loading: () => undefined,
        ghost: () => undefined,
        done: (candidates: Suggestion[]) => {
          outcomes.push(`${name}:done:${Array.isArray(candidates)}`);
          end();
        },
        error: (code) => {
          outcomes.push(`${name}:${code}`);
          end();
        },
      };
    };
    const request = (text: string) => ({ fieldKey: 'tab1:suggest', owner: 'tab1', cacheKey: 'https://a.example', text, settings: { ...DEFAULT_INLINE_SETTINGS, minConfidence: 0.05 }, count: 1, idleUnloadMinutes: 10 });
    const first = sink('first');
    const second = sink('second');
    router.suggest(request('We propose a'), first);
    router.suggest(request('We propose a new'), second);
    await Promise.all([first.ended, second.ended]);
    expect(outcomes).toEqual(['first:superseded', 'second:done:true']);
    expect(router.activeFields).toEqual([]);

    // A suggestion (at most one per tab) takes no Generate's place in the per-tab cap, nor is refused by it.
    const third = sink('third');
    router.suggest(request('We propose'), third);
    const generations = ['g1', 'g2', 'g3'].map((f) => {
      const r = recorder();
      router.start(req(`1:0:${f}`, 'Attention is'), r.sink);
      return r;
    });
    const fourth = sink('fourth');
    router.suggest(request('We propose a'), fourth);
    await Promise.all([third.ended, fourth.ended, ...generations.map((g) => g.ended)]);
    for (const g of generations) expect(g.errors).toEqual([]);
    expect(outcomes.slice(2)).toEqual(['third:superseded', 'fourth:done:true']);
  });

  it('inline suggestions: a pause asks for the ghost alone; asking again with more candidates keeps it first', async () => {
    const ask = (count: number) =>
      new Promise<Suggestion[]>((resolve, reject) =>
        router.suggest(
          { fieldKey: 'tab2:suggest', owner: 'tab2', cacheKey: 'https://a.example', text: 'We propose a', settings: { ...DEFAULT_INLINE_SETTINGS, minConfidence: 0 }, count, idleUnloadMinutes: 10 },
          { loading: () => undefined, ghost: () => undefined, done: resolve, error: (code, message) => reject(new Error(`${code}: ${message}`)) },
        ),
      );
    const ghost = await ask(1);
    expect(ghost).toHaveLength(1);
    const all = await ask(3);
    expect(all.length).toBeGreaterThan(1);
    expect(all[0]).toEqual(ghost[0]);
  });

  it('keeps the prefix cache per origin: another site never reuses it', async () => {
    // Chunks of 32 so the fixture's 128-token window has room for a reusable prefix.
    const chunkedHost = new EngineHost({ load: () => loadEngine(FIXTURE, { threads: 1, prefillChunk: 32 }) });
    const chunked = new GenerationRouter(chunkedHost);
    const text = 'We propose a new method for learning representations of scientific text from citations and abstracts, and';
    const run = async (cacheKey: string, prompt: string) => {
      const r = recorder();
      chunked.start(req(`1:0:${cacheKey}`, prompt, { cacheKey }), r.sink);
      await r.ended;
      return r.result()!;
    };
    try {
      const first = await run('https://a.example', text);
      expect((await run('https://b.example', text + first.text)).reusedPromptTokens).toBe(0);
      expect((await run('https://a.example', text + first.text)).reusedPromptTokens).toBeGreaterThan(0);
    } finally {
      await chunkedHost.unload();
    }
  });
});

describe('GenerationRouter with a hung or crashing engine', () => {
  function faultyRouter() {
    const loaded: Engine[] = [];
    const unhealthy: string[] = [];
    const faultHost = new EngineHost({
      load: async () => {
        const engine = await loadEngine(FIXTURE, { threads: 1 });
        loaded.push(engine);
        return engine;
      },
    });
    const r = new GenerationRouter(faultHost, { progressTimeoutMs: 400, faultyEngine, onUnhealthy: (reason) => unhealthy.push(reason) });
    return { router: r, host: faultHost, loaded, unhealthy };
  }

  it('a hung engine: the job fails with a clear error, the engine is replaced, queued jobs continue', async () => {
    const { router: r, host: h, loaded, unhealthy } = faultyRouter();
    try {
      const hung = recorder();
      const queued = recorder();
      const started = Date.now();
      r.start(req('1:0:hang', 'We propose a', { testFault: 'hang' }), hung.sink);
      r.start(req('2:0:next', 'We propose a', { owner: 'tab2' }), queued.sink);
      expect(await hung.ended).toBe('engine-stalled');
      expect(hung.errors).toEqual([STALLED_MESSAGE]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(await queued.ended).toBe('done');
      // The queued job ran on a freshly loaded engine, and said so.
      expect(queued.events[0]).toBe('loading');
      expect(loaded).toHaveLength(2);
      expect(unhealthy).toEqual([]);
    } finally {
      await h.unload();
    }
  });

  it('a crashing engine: clear error, fresh engine; a second failure in a row asks for a new document', async () => {
    const { router: r, host: h, loaded, unhealthy } = faultyRouter();
    try {
      const crash = recorder();
      r.start(req('1:0:c1', 'We propose a', { testFault: 'crash' }), crash.sink);
      expect(await crash.ended).toBe('engine-failed');
      expect(crash.errors[0]).toMatch(/^The model failed: RuntimeError: memory access out of bounds.*click Generate to try again\.$/);
      // A success in between resets the count.
      const ok = recorder();
      r.start(req('1:0:ok', 'We propose a'), ok.sink);
      expect(await ok.ended).toBe('done');
      expect(loaded).toHaveLength(2);
      for (const fault of ['crash', 'hang'] as const) {
        const bad = recorder();
        r.start(req(`1:0:${fault}`, 'We propose a', { testFault: fault }), bad.sink);
        await bad.ended;
      }
      expect(unhealthy).toHaveLength(1);
      expect(unhealthy[0]).toMatch(/2 engine failures in a row; last: no progress for 400 ms/);
    } finally {
      await h.unload();
    }
  });

  it('a scripted output (test builds): the Generate run writes it in pieces, the suggestion is it; ignored without scriptedEngine', async () => {
    const scriptHost = new EngineHost({ load: () => loadEngine(FIXTURE, { threads: 1 }) });
    const said = 'up to 10% in $x_1$';
    try {
      const scripted = new GenerationRouter(scriptHost, { scriptedEngine });
      const run = recorder();
      scripted.start(req('1:0:s', 'It improves accuracy by', { testOutput: said }), run.sink);
      expect(await run.ended).toBe('done');
      expect(run.text()).toBe(said);
      expect(run.result()!.text).toBe(said);
      expect(run.events.filter((e) => e === 'delta').length).toBeGreaterThan(3);
      const ghosts: string[] = [];
      const candidates = await new Promise<Suggestion[]>((resolve, reject) =>
        scripted.suggest(
          { fieldKey: 'tab1:suggest', owner: 'tab1', cacheKey: 'https://a.example', text: 'It improves', settings: DEFAULT_INLINE_SETTINGS, count: 1, idleUnloadMinutes: 10, testOutput: said },
          { loading: () => undefined, ghost: (g) => ghosts.push(g), done: resolve, error: (code) => reject(new Error(code)) },
        ),
      );
      expect(ghosts).toEqual([said]);
      expect(candidates).toEqual([{ text: said, confidence: 1 }]);
      const plain = recorder();
      new GenerationRouter(scriptHost).start(req('1:0:p', 'It improves accuracy by', { testOutput: said }), plain.sink);
      expect(await plain.ended).toBe('done');
      expect(plain.text()).not.toBe(said);
    } finally {
      await scriptHost.unload();
    }
  });

  it('ignores testFault unless the router was built with faultyEngine (production)', async () => {
    const plainHost = new EngineHost({ load: () => loadEngine(FIXTURE, { threads: 1 }) });
    try {
      const a = recorder();
      new GenerationRouter(plainHost, { progressTimeoutMs: 400 }).start(req('1:0:p', 'We propose a', { testFault: 'hang' }), a.sink);
      expect(await a.ended).toBe('done');
    } finally {
      await plainHost.unload();
    }
  });
});
