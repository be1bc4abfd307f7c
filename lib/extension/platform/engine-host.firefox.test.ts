/**
 * Firefox's engine host (engine-host.firefox.ts) in Node: the relay's job
 * Ports reach the real router and engine (tiny fixture) over the in-memory
 * pair, with no runtime Port and no offscreen document. The browser's
 * runtime.getURL is pointed at the fixture and at onnxruntime-web's files,
 * which is where the extension's own URLs would lead.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SAMPLING } from '../../engine/sampling-options';
import type { PortLike } from '../ports';
import { portPair } from '../test-support/port-pair';
import { createEnginePlatform } from './engine-host.firefox';

const FIXTURE = resolve(import.meta.dirname, '../../../tests/fixtures/tiny-gpt2');
const ORT_DIR = dirname(createRequire(import.meta.url).resolve('onnxruntime-web')) + '/';

beforeEach(() => {
  vi.spyOn(chrome.runtime, 'getURL').mockImplementation((path: string) => (path.startsWith('/models/') ? `${FIXTURE}/` : ORT_DIR));
});
afterEach(() => vi.restoreAllMocks());

type Reply = { type: string; text?: string; code?: string; result?: { text: string } };

/** Sends one generation on a job Port and collects the replies until done or error. */
function generate(job: PortLike, fieldKey: string, testFault?: 'crash'): Promise<Reply[]> {
  const replies: Reply[] = [];
  return new Promise((done) => {
    job.onMessage.addListener((m) => {
      replies.push(m as Reply);
      if ((m as Reply).type === 'done' || (m as Reply).type === 'error') done(replies);
    });
    job.postMessage({
      type: 'engine:generate',
      fieldKey,
      owner: 'tab1',
      cacheKey: 'https://a.example',
      prompt: 'We propose a',
      options: { ...DEFAULT_SAMPLING, maxNewTokens: 6, stopAtSentenceEnd: false, ignoreEos: true },
      idleUnloadMinutes: 10,
      ...(testFault ? { testFault } : {}),
    });
  });
}

describe('Firefox engine host (in the background page)', () => {
  it('status does not start the engine; warm loads it, on one thread', async () => {
    const platform = createEnginePlatform();
    expect(await platform.status()).toEqual({ state: 'unloaded' });
    const warm = await platform.warm(10);
    expect(warm.state).toBe('ready');
    expect(warm.threads).toBe(1);
    expect((await platform.status()).state).toBe('ready');
  });

  it('a generation streams over the in-memory link: deltas add up to the result', async () => {
    const platform = createEnginePlatform();
    const replies = await generate(await platform.connect(), 'tab1:0:a');
    const done = replies.at(-1)!;
    expect(done.type).toBe('done');
    const streamed = replies.filter((r) => r.type === 'delta').map((r) => r.text).join('');
    expect(streamed).toBe(done.result!.text);
    expect(streamed.length).toBeGreaterThan(0);
  });

  it('after repeated engine failures it replaces the engine, and the next generation works', async () => {
    const platform = createEnginePlatform();
    const idle = await platform.connect();
    let idleCut = false;
    idle.onDisconnect.addListener(() => (idleCut = true));
    for (const key of ['c1', 'c2']) expect((await generate(await platform.connect(), `tab1:0:${key}`, 'crash')).at(-1)!.type).toBe('error');
    // The restart cut the old link: a job still open on it hears onDisconnect, as when Chrome closes the document.
    await expect.poll(() => idleCut).toBe(true);
    const replies = await generate(await platform.connect(), 'tab1:0:after');
    expect(replies.at(-1)!.type).toBe('done');
  });

  it('no runtime Port may carry the engine: one named like it is disconnected', async () => {
    const platform = createEnginePlatform();
    const [page, offered] = portPair('aa:engine', { id: 'x', url: 'moz-extension://x/evil.html' });
    let disconnected = false;
    page.onDisconnect.addListener(() => (disconnected = true));
    platform.acceptEnginePort(offered);
    await expect.poll(() => disconnected).toBe(true);
  });
});
