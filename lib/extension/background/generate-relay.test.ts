/**
 * The relay between a client Port and the engine Port, with in-memory Port
 * pairs standing in for chrome.runtime ports (the browser's API, not ours).
 */
import { describe, expect, it, vi } from 'vitest';
import { EMPTY_PROMPT_MESSAGE, INTERRUPTED_MESSAGE, KEEPALIVE_INTERVAL_MS, MAX_PROMPT_CHARS } from '../protocol';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { DEFAULT_INLINE_SETTINGS, type InlineSettings } from '../../suggest/inline-settings';
import { relayGeneration, type RelayDeps } from './generate-relay';
import { portPair } from '../test-support/port-pair';
import type { SenderLike } from '../ports';

const ID = 'our-id';
const ORIGIN = `chrome-extension://${ID}`;

const tick = () => new Promise((r) => setTimeout(r, 5));

function setup(sender: SenderLike, settings: Settings = DEFAULT_SETTINGS as Settings, extra: Partial<RelayDeps> = {}) {
  const [clientSide, backgroundSide] = portPair('aa:generate', sender);
  const engines: Array<ReturnType<typeof portPair>[0]> = [];
  const deps: RelayDeps = {
    runtimeId: ID,
    extensionOrigin: ORIGIN,
    loadSettings: async () => settings,
    loadInlineSettings: async () => DEFAULT_INLINE_SETTINGS as InlineSettings,
    connectEngine: async () => {
      const [bg, offscreen] = portPair('aa:engine');
      engines.push(offscreen);
      return bg;
    },
    ...extra,
  };
  relayGeneration(backgroundSide, deps);
  return { client: clientSide, engines };
}

describe('relayGeneration', () => {
  it('rejects a foreign sender without touching the engine', async () => {
    const { client, engines } = setup({ id: 'other-extension', tab: { id: 1 } });
    await tick();
    expect(client.received[0]).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(client.closed).toBe(true);
    expect(engines).toHaveLength(0);
  });

  it('rejects a web page sender', async () => {
    const { client, engines } = setup({ url: 'https://evil.example/' });
    await tick();
    expect(client.received[0]).toMatchObject({ type: 'error', code: 'forbidden' });
    expect(engines).toHaveLength(0);
  });

  it('rejects malformed requests with a clear message', async () => {
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0 });
    client.postMessage({ type: 'generate', fieldId: 'f', prompt: '' });
    await tick();
    expect(client.received[0]).toMatchObject({ type: 'error', code: 'empty-prompt', message: `prompt: ${EMPTY_PROMPT_MESSAGE}` });
    expect(engines).toHaveLength(0);
  });

  it.each([
    ['no field id', { type: 'generate', prompt: 'We propose' }],
    ['a prompt over the limit', { type: 'generate', fieldId: 'f', prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) }],
    ['a prompt that is not text', { type: 'generate', fieldId: 'f', prompt: 42 }],
  ])('%s is a bad request, not an empty prompt', async (_what, message) => {
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0 });
    client.postMessage(message);
    await tick();
    expect(client.received[0]).toMatchObject({ type: 'error', code: 'bad-request' });
    expect(engines).toHaveLength(0);
  });

  it('forwards the request with the current settings and a tab/frame field key, and relays the stream', async () => {
    const settings = { ...DEFAULT_SETTINGS, sampling: { ...DEFAULT_SETTINGS.sampling, maxNewTokens: 5 } } as Settings;
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 2, origin: 'https://example.org' }, settings);
    client.postMessage({ type: 'generate', fieldId: 'field-1', prompt: 'We propose' });
    await tick();
    const engine = engines[0]!;
    expect(engine.received[0]).toMatchObject({
      type: 'engine:generate',
      fieldKey: 'tab4:frame2:field-1',
      owner: 'tab4',
      cacheKey: 'https://example.org',
      prompt: 'We propose',
      options: { maxNewTokens: 5 },
      idleUnloadMinutes: 10,
    });
    engine.postMessage({ type: 'delta', text: ' a' });
    engine.postMessage({ type: 'done', result: { text: ' a', tokens: 1, stopReason: 'max_tokens', timeToFirstTokenMs: 1, totalMs: 2 } });
    await tick();
    expect(client.received).toEqual([{ type: 'delta', text: ' a' }, expect.objectContaining({ type: 'done' })]);
    expect(client.closed).toBe(true);
  });

  it('an inline suggestion goes to the engine keyed by tab, with the inline settings, for the ghost alone, and ends with the candidates', async () => {
    const inline = { ...DEFAULT_INLINE_SETTINGS, maxWords: 3 } as InlineSettings;
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 2, origin: 'https://example.org' }, undefined, { loadInlineSettings: async () => inline });
    client.postMessage({ type: 'suggest', text: 'We propose' });
    await tick();
    const engine = engines[0]!;
    expect(engine.received[0]).toEqual({
      type: 'engine:suggest',
      fieldKey: 'tab4:suggest',
      owner: 'tab4',
      cacheKey: 'https://example.org',
      text: 'We propose',
      settings: inline,
      count: 1,
      idleUnloadMinutes: 10,
    });
    engine.postMessage({ type: 'ghost', text: ' a ' });
    engine.postMessage({ type: 'suggested', candidates: [{ text: ' a new ', confidence: 0.5 }] });
    await tick();
    expect(client.received).toEqual([{ type: 'ghost', text: ' a ' }, { type: 'suggested', candidates: [{ text: ' a new ', confidence: 0.5 }] }]);
    expect(client.closed).toBe(true);
  });

  it('asking for the alternatives (Alt+]) asks the engine for the configured number of candidates', async () => {
    const inline = { ...DEFAULT_INLINE_SETTINGS, candidates: 4 } as InlineSettings;
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0, origin: 'https://example.org' }, undefined, { loadInlineSettings: async () => inline });
    client.postMessage({ type: 'suggest', text: 'We propose', alternatives: true });
    await tick();
    expect(engines[0]!.received[0]).toEqual(expect.objectContaining({ type: 'engine:suggest', text: 'We propose', count: 4 }));
  });

  it('an inline suggestion for a site where inline is off gets no candidates and never reaches the engine', async () => {
    const inline = { ...DEFAULT_INLINE_SETTINGS, sites: { 'https://example.org': false } } as InlineSettings;
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0, origin: 'https://example.org' }, undefined, { loadInlineSettings: async () => inline });
    client.postMessage({ type: 'suggest', text: 'We propose' });
    await tick();
    expect(client.received).toEqual([{ type: 'suggested', candidates: [] }]);
    expect(engines).toHaveLength(0);
  });

  it('client disconnect (Stop, tab closed) cancels in the engine', async () => {
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0 });
    client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    await tick();
    client.disconnect();
    await tick();
    expect(engines[0]!.received).toContainEqual({ type: 'cancel' });
    expect(engines[0]!.closed).toBe(true);
  });

  it('engine going away mid-stream ends the client with the interrupted message', async () => {
    const { client, engines } = setup({ id: ID, url: `${ORIGIN}/popup.html` });
    client.postMessage({ type: 'generate', fieldId: 'popup', prompt: 'We propose' });
    await tick();
    engines[0]!.postMessage({ type: 'delta', text: ' x' });
    await tick();
    engines[0]!.disconnect();
    await tick();
    expect(client.received.at(-1)).toEqual({ type: 'error', code: 'interrupted', message: INTERRUPTED_MESSAGE });
  });

  it('posts keepalive to both Ports while the generation lives, and stops when it ends', async () => {
    vi.useFakeTimers();
    try {
      const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0 });
      client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
      await vi.advanceTimersByTimeAsync(0);
      const engine = engines[0]!;
      await vi.advanceTimersByTimeAsync(3 * KEEPALIVE_INTERVAL_MS);
      const keepalives = (port: { received: unknown[] }) => port.received.filter((m) => (m as { type: string }).type === 'keepalive').length;
      expect(keepalives(client)).toBe(3);
      expect(keepalives(engine)).toBe(3);
      // A keepalive from the engine side is not relayed (the relay's own timer speaks for it).
      engine.postMessage({ type: 'keepalive' });
      engine.postMessage({ type: 'done', result: { text: '', tokens: 0, stopReason: 'eos', timeToFirstTokenMs: 1, totalMs: 1 } });
      await vi.advanceTimersByTimeAsync(5 * KEEPALIVE_INTERVAL_MS);
      expect(keepalives(client)).toBe(3);
      expect(keepalives(engine)).toBe(3);
      expect(client.received.at(-1)).toMatchObject({ type: 'done' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops the keepalives when the client disconnects', async () => {
    vi.useFakeTimers();
    try {
      const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0 });
      client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
      await vi.advanceTimersByTimeAsync(KEEPALIVE_INTERVAL_MS);
      client.disconnect();
      const before = engines[0]!.received.length;
      await vi.advanceTimersByTimeAsync(5 * KEEPALIVE_INTERVAL_MS);
      expect(engines[0]!.received.slice(before)).toEqual([{ type: 'cancel' }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('engine going away before any text: the request goes once more to a fresh engine', async () => {
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 0, origin: 'https://example.org' });
    client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    await tick();
    // The document was replaced while this job waited in its queue.
    engines[0]!.postMessage({ type: 'loading' });
    engines[0]!.disconnect();
    await tick();
    expect(engines).toHaveLength(2);
    expect(engines[1]!.received[0]).toEqual(engines[0]!.received[0]);
    expect(client.closed).toBe(false);
    // Only once: losing the second one too is an interruption.
    engines[1]!.disconnect();
    await tick();
    expect(engines).toHaveLength(2);
    expect(client.received.at(-1)).toEqual({ type: 'error', code: 'interrupted', message: INTERRUPTED_MESSAGE });
  });

  it('passes the test build\'s fault to the engine only when the test hook gives one', async () => {
    const hung = setup({ id: ID, tab: { id: 4 }, frameId: 0 }, undefined, { testFault: async () => 'hang' });
    hung.client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    const plain = setup({ id: ID, tab: { id: 5 }, frameId: 0 });
    plain.client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    await tick();
    expect(hung.engines[0]!.received[0]).toMatchObject({ testFault: 'hang' });
    expect(plain.engines[0]!.received[0]).not.toHaveProperty('testFault');
  });

  it('passes the test build\'s scripted output with generations and suggestions, only when the test hook gives one', async () => {
    const scripted = setup({ id: ID, tab: { id: 4 }, frameId: 0, origin: 'https://example.org' }, undefined, { testOutput: async () => '10% more' });
    scripted.client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    const suggesting = setup({ id: ID, tab: { id: 6 }, frameId: 0, origin: 'https://example.org' }, undefined, { testOutput: async () => '10% more' });
    suggesting.client.postMessage({ type: 'suggest', text: 'We propose' });
    const plain = setup({ id: ID, tab: { id: 5 }, frameId: 0, origin: 'https://example.org' }, undefined, { testOutput: async () => undefined });
    plain.client.postMessage({ type: 'generate', fieldId: 'f', prompt: 'We propose' });
    await tick();
    expect(scripted.engines[0]!.received[0]).toMatchObject({ type: 'engine:generate', testOutput: '10% more' });
    expect(suggesting.engines[0]!.received[0]).toMatchObject({ type: 'engine:suggest', testOutput: '10% more' });
    expect(plain.engines[0]!.received[0]).not.toHaveProperty('testOutput');
  });
});
