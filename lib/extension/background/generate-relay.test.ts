/**
 * The relay between a client Port and the engine Port, with in-memory Port
 * pairs standing in for chrome.runtime ports (the browser's API, not ours).
 */
import { describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../protocol';
import { DEFAULT_SETTINGS, type Settings } from '../settings';
import { relayGeneration, type RelayDeps } from './generate-relay';
import type { PortLike } from './port';
import type { SenderLike } from './sender-check';

const ID = 'our-id';
const ORIGIN = `chrome-extension://${ID}`;

/** Two connected ends, like chrome.runtime.connect gives the two contexts. */
function portPair(name: string, sender?: SenderLike): [PortLike & { received: unknown[]; closed: boolean }, PortLike & { received: unknown[]; closed: boolean }] {
  type End = PortLike & { received: unknown[]; closed: boolean; msg: Array<(m: unknown) => void>; disc: Array<() => void> };
  const make = (): End => ({
    name,
    received: [],
    closed: false,
    msg: [],
    disc: [],
    postMessage(m) {
      if (this.closed) throw new Error('Attempting to use a disconnected port object');
      const other = this === a ? b : a;
      other.received.push(m);
      queueMicrotask(() => other.msg.forEach((fn) => fn(structuredClone(m))));
    },
    disconnect() {
      if (this.closed) return;
      this.closed = true;
      const other = this === a ? b : a;
      if (!other.closed) {
        other.closed = true;
        queueMicrotask(() => other.disc.forEach((fn) => fn()));
      }
    },
    onMessage: { addListener(fn) { (this as unknown as { end: End }).end.msg.push(fn); } },
    onDisconnect: { addListener(fn) { (this as unknown as { end: End }).end.disc.push(fn); } },
  });
  const a = make();
  const b = make();
  for (const end of [a, b]) {
    (end.onMessage as unknown as { end: End }).end = end;
    (end.onDisconnect as unknown as { end: End }).end = end;
  }
  b.sender = sender;
  return [a, b];
}

const tick = () => new Promise((r) => setTimeout(r, 5));

function setup(sender: SenderLike, settings: Settings = DEFAULT_SETTINGS as Settings) {
  const [clientSide, backgroundSide] = portPair('aa:generate', sender);
  const engines: Array<ReturnType<typeof portPair>[0]> = [];
  const deps: RelayDeps = {
    runtimeId: ID,
    extensionOrigin: ORIGIN,
    loadSettings: async () => settings,
    connectEngine: async () => {
      const [bg, offscreen] = portPair('aa:engine');
      engines.push(offscreen);
      return bg;
    },
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
    expect(client.received[0]).toMatchObject({ type: 'error', code: 'empty-prompt', message: 'prompt: Type some text first' });
    expect(engines).toHaveLength(0);
  });

  it('forwards the request with the current settings and a tab/frame field key, and relays the stream', async () => {
    const settings = { ...DEFAULT_SETTINGS, sampling: { ...DEFAULT_SETTINGS.sampling, maxNewTokens: 5 } } as Settings;
    const { client, engines } = setup({ id: ID, tab: { id: 4 }, frameId: 2 }, settings);
    client.postMessage({ type: 'generate', fieldId: 'field-1', prompt: 'We propose' });
    await tick();
    const engine = engines[0]!;
    expect(engine.received[0]).toMatchObject({
      type: 'engine:generate',
      fieldKey: 'tab4:frame2:field-1',
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
});
