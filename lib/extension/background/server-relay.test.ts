/**
 * Requests routed to a model server: the relay with the real backends
 * (lib/backends) against the local fakes of their servers (tests/fakes), and
 * in-memory Port pairs for the browser's Ports. The engine must never be asked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { createServerBackend } from '../../backends/create';
import { startFake, FAKE_MODELS, type Fake, type FakeKind } from '../../../tests/fakes/fake-server';
import { DEFAULT_SETTINGS } from '../settings';
import { DEFAULT_INLINE_SETTINGS, type InlineSettings } from '../../suggest/inline-settings';
import type { ModelSource } from '../model-source';
import { fallbackFor, markFallback } from '../server-fallback';
import { portPair } from '../test-support/port-pair';
import { relayGeneration } from './generate-relay';
import { PERMISSION_MISSING, serverRoutes } from './server-routes';
import { testServer } from './server-test';

const ID = 'our-id';
const TAB = 7;
let fake: Fake;
let engineAsked: number;

async function useFake(kind: FakeKind, options = {}, source: Partial<ModelSource> = {}, granted = true) {
  fake = await startFake(kind, options);
  const stored: ModelSource = { use: 'server', server: { kind, url: fake.url, model: FAKE_MODELS[kind] }, bundledOnly: [], ...source };
  return serverRoutes({
    loadSource: async () => stored,
    createBackend: createServerBackend,
    hasPermission: async () => granted,
    fallbackFor,
    fellBack: async (tabId, message) => {
      if (tabId !== undefined) await markFallback(tabId, message);
    },
    clientOrigin: `chrome-extension://${ID}`,
  });
}

function ask(routes: ReturnType<typeof serverRoutes>, message: unknown, origin = 'https://paper.example') {
  const [client, background] = portPair('aa:generate', { id: ID, tab: { id: TAB, url: `${origin}/doc` }, frameId: 0, origin });
  relayGeneration(background, {
    runtimeId: ID,
    extensionOrigin: `chrome-extension://${ID}`,
    loadSettings: async () => DEFAULT_SETTINGS,
    loadInlineSettings: async () => DEFAULT_INLINE_SETTINGS as InlineSettings,
    serverFor: routes.routeFor,
    connectEngine: async () => {
      engineAsked++;
      return portPair('aa:engine')[0];
    },
  });
  client.postMessage(message);
  return client;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

beforeEach(() => {
  fakeBrowser.reset();
  engineAsked = 0;
});
afterEach(async () => fake?.close());

describe('requests answered by a model server', () => {
  it('inline: the ghost comes from the server, cut by its log-probabilities, with the text after the caret where it fills in', async () => {
    const routes = await useFake('ollama');
    const client = ask(routes, { type: 'suggest', text: 'We propose a', after: ' in Section 3.' });
    await until(() => client.closed);
    expect(client.received.at(-1)).toEqual({ type: 'suggested', candidates: [{ text: ' novel method for ', confidence: expect.any(Number) }] });
    const generate = fake.requests.find((r) => r.path === '/api/generate')!;
    expect(generate.body).toMatchObject({ model: FAKE_MODELS.ollama, prompt: 'We propose a', suffix: ' in Section 3.' });
    expect(engineAsked).toBe(0);
  });

  it('cancel aborts the HTTP request, and nothing more reaches the client', async () => {
    const routes = await useFake('llama.cpp', { tokenDelayMs: 300 });
    // A streaming source: without the cancel, each token would reach the client as a delta.
    const client = ask(routes, { type: 'generate', fieldId: 'f', prompt: 'We propose a', source: 'codemirror' });
    await until(() => fake.requests.some((r) => r.path === '/completion'));
    client.postMessage({ type: 'cancel' });
    const request = fake.requests.find((r) => r.path === '/completion')!;
    await request.finished;
    expect(request.clientClosedEarly).toBe(true);
    expect(client.closed).toBe(true);
    expect(client.received.filter((m: any) => m.type !== 'keepalive')).toEqual([]);
  });

  it('Generate into a plain field gets the text only once the stream finished: a cut stream inserts nothing and says so', async () => {
    const routes = await useFake('openai', { cutAfterTokens: 2 });
    const client = ask(routes, { type: 'generate', fieldId: 'f', prompt: 'We propose a', source: 'button' });
    await until(() => client.closed);
    expect(client.received.filter((m: any) => m.type === 'delta')).toEqual([]);
    const error = client.received.at(-1) as { type: string; code: string; message: string };
    expect(error).toMatchObject({ type: 'error', code: 'server-failed' });
    expect(error.message).toMatch(/Nothing was inserted\. This tab now uses the bundled model/);
    expect(await fallbackFor(TAB)).toBeDefined();
  });

  it('Generate finishes with the whole text in one piece for plain fields, streamed for CodeMirror ghosts', async () => {
    const routes = await useFake('ollama');
    const plain = ask(routes, { type: 'generate', fieldId: 'f', prompt: 'We propose a', source: 'button' });
    await until(() => plain.closed);
    const plainDeltas = plain.received.filter((m: any) => m.type === 'delta');
    const done = plain.received.at(-1) as any;
    expect(done.type).toBe('done');
    expect(plainDeltas).toEqual([{ type: 'delta', text: done.result.text }]);
    const ghost = ask(routes, { type: 'generate', fieldId: 'g', prompt: 'We propose a', source: 'codemirror' });
    await until(() => ghost.closed);
    expect(ghost.received.filter((m: any) => m.type === 'delta').length).toBeGreaterThan(1);
  });

  it('a server that is down: a message naming the cause, then the tab falls back to the bundled model', async () => {
    const routes = await useFake('ollama');
    await fake.close();
    const client = ask(routes, { type: 'generate', fieldId: 'f', prompt: 'We propose a', source: 'button' });
    await until(() => client.closed);
    expect((client.received.at(-1) as any).message).toMatch(/Nothing answers at .* is the Ollama running\?/);
    expect(engineAsked).toBe(0);
    ask(routes, { type: 'generate', fieldId: 'f', prompt: 'We propose a', source: 'button' });
    await until(() => engineAsked === 1);
  });

  it('bundled-only sites, and a missing host permission, never reach the server', async () => {
    const routes = await useFake('ollama', {}, { bundledOnly: ['https://secret.example'] });
    ask(routes, { type: 'suggest', text: 'We propose a' }, 'https://secret.example');
    await until(() => engineAsked === 1);
    expect(fake.requests).toEqual([]);
    await fake.close();
    const denied = await useFake('ollama', {}, {}, false);
    ask(denied, { type: 'suggest', text: 'We propose a' });
    await until(() => engineAsked === 2);
    expect(fake.requests).toEqual([]);
    expect(await fallbackFor(TAB)).toBe(PERMISSION_MISSING('http://127.0.0.1/*'));
  });

  it('test connection: the models, the model that answered and a latency; or what to fix', async () => {
    const routes = await useFake('openai', { apiKey: 'sk-right' });
    const server = { kind: 'openai' as const, url: fake.url, model: FAKE_MODELS.openai };
    const granted = async () => true;
    expect(await testServer({ ...server, apiKey: 'sk-right' }, routes.backendFor, granted)).toMatchObject({ ok: true, models: [{ name: FAKE_MODELS.openai }], model: FAKE_MODELS.openai, latencyMs: expect.any(Number), origin: fake.origin });
    expect(await testServer({ ...server, apiKey: 'sk-wrong' }, routes.backendFor, granted)).toMatchObject({ ok: false, error: { kind: 'unauthorized', message: expect.stringMatching(/key/) } });
    expect(await testServer({ ...server, model: '', apiKey: 'sk-right' }, routes.backendFor, granted)).toEqual({ ok: true, models: [{ name: FAKE_MODELS.openai }], origin: fake.origin });
    expect(fake.requests.every((r) => r.headers.authorization === undefined || String(r.headers.authorization).startsWith('Bearer sk-'))).toBe(true);
  });

  it('test connection without the host permission (a model picked after the address changed): says so and sends nothing', async () => {
    const routes = await useFake('ollama');
    const result = await testServer({ kind: 'ollama', url: fake.url, model: FAKE_MODELS.ollama }, routes.backendFor, async () => false);
    expect(result).toEqual({ ok: false, models: [], origin: fake.origin, error: { kind: 'no-permission', message: PERMISSION_MISSING('http://127.0.0.1/*') } });
    expect(fake.requests).toEqual([]);
  });
});
