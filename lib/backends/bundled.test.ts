/** The bundled engine behind the Backend seam gives what the engine gives, through the real tiny model. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../engine/index';
import { suggest } from '../suggest/suggester';
import { TINY } from '../../tests/engine/fixtures';
import { GREEDY } from '../../tests/fakes/helpers';
import { createBundledBackend } from './index';
import type { Backend } from './types';

let engine: Engine;
let backend: Backend;
beforeAll(async () => {
  // Loading a model shares 2 cores with other work: more than the default 10 s hook limit at times.
  engine = await loadEngine(TINY, { precision: 'fp32' });
  backend = createBundledBackend(engine);
}, 60_000);
afterAll(() => engine.dispose());

describe('BundledBackend', () => {
  it('complete() is engine.generate: same text, deltas and stop reason; nothing leaves the machine', async () => {
    const options = { ...GREEDY, maxNewTokens: 6, tokenHealing: false };
    const expected = await engine.generate('We propose a', options);
    const deltas: string[] = [];
    const r = await backend.complete({ prompt: 'We propose a', options }, { onDelta: (d) => deltas.push(d) });
    expect(r).toMatchObject({ text: expected.text, stopReason: expected.stopReason, tokens: expected.tokens, logprobs: false });
    expect(deltas.join('')).toBe(r.text);
    expect(backend.origin).toBeNull();
  });

  it('suggest() is lib/suggest: the same candidates', async () => {
    const settings = { enabled: true, sites: {}, pauseMs: 0, maxWords: 4, minConfidence: 0.05, candidates: 3 };
    const expected = await suggest(engine, 'We propose a', { settings });
    expect(expected.length).toBeGreaterThan(0);
    expect(await backend.suggest('We propose a', { settings })).toEqual(expected);
  });

  it('scorePrompt() is engine.score', async () => {
    expect(await backend.scorePrompt('We propose a method.')).toEqual(await engine.score('We propose a method.'));
  });

  it('test connection reports the bundled model with no origin', async () => {
    const report = await backend.testConnection();
    expect(report).toMatchObject({ kind: 'bundled', origin: null, model: engine.info.name, modelListed: true });
    expect(report.latencyMs).toBeGreaterThan(0);
  });
});
