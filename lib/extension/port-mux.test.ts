/**
 * The ENGINE_PORT link: the offscreen end (backgroundLink) and the background
 * end (EngineLink) over an in-memory Port pair standing in for the browser's
 * Port, with the real router and engine on the tiny fixture behind it. What
 * matters most: when the worker dies its end of the link closes, and every
 * job on the offscreen side must stop at once, not after a silence timeout.
 */
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../engine';
import { DEFAULT_SAMPLING } from '../engine/sampling-options';
import { EngineLink } from './background/engine-link';
import { backgroundLink } from './offscreen/background-link';
import { EngineHost } from './offscreen/engine-host';
import { serveEnginePort } from './offscreen/engine-port';
import { GenerationRouter } from './offscreen/generation-router';
import { pacedSink } from './offscreen/paced-sink';
import { portMux } from './port-mux';
import type { PortLike } from './ports';
import { portPair } from './test-support/port-pair';

const FIXTURE = resolve(import.meta.dirname, '../../tests/fixtures/tiny-gpt2');
const host = new EngineHost({ load: () => loadEngine(FIXTURE, { threads: 1 }) });
const router = new GenerationRouter(host);
afterAll(() => host.unload());

const tick = () => new Promise((r) => setTimeout(r, 5));
const types = (received: unknown[]) => received.map((m) => (m as { type: string }).type);

function recording(port: PortLike) {
  const received: unknown[] = [];
  let disconnected = false;
  port.onMessage.addListener((m) => received.push(m));
  port.onDisconnect.addListener(() => (disconnected = true));
  return { received, disconnected: () => disconnected };
}

describe('portMux', () => {
  it('carries jobs independently; a closed job is closed on the other side only', async () => {
    const [a, b] = portPair('aa:engine');
    const opened: PortLike[] = [];
    const opener = portMux(a);
    portMux(b, { onOpen: (p) => opened.push(p) });
    const one = opener.open('job');
    const two = opener.open('job');
    const oneOwn = recording(one);
    await tick();
    expect(opened).toHaveLength(2);
    const [farOne, farTwo] = opened.map(recording);
    one.postMessage({ n: 1 });
    two.postMessage({ n: 2 });
    opened[0]!.postMessage({ back: 1 });
    await tick();
    expect(farOne!.received).toEqual([{ n: 1 }]);
    expect(farTwo!.received).toEqual([{ n: 2 }]);
    expect(oneOwn.received).toEqual([{ back: 1 }]);
    one.disconnect();
    await tick();
    expect(farOne!.disconnected()).toBe(true);
    expect(oneOwn.disconnected()).toBe(false);
    expect(farTwo!.disconnected()).toBe(false);
    expect(() => one.postMessage({})).toThrow(/disconnected/);
    // A late message for a closed job does not open a new one.
    a.postMessage({ type: 'job', job: 'j1', message: {} });
    await tick();
    expect(opened).toHaveLength(2);
  });

  it('when the link goes, every job on the other side hears it at once', async () => {
    for (const side of ['opener', 'acceptor'] as const) {
      const [a, b] = portPair('aa:engine');
      const opened: PortLike[] = [];
      const opener = portMux(a);
      const mine = [0, 1, 2].map(() => recording(opener.open('job')));
      portMux(b, { onOpen: (p) => opened.push(p) });
      await tick();
      const far = opened.map(recording);
      (side === 'opener' ? a : b).disconnect();
      await tick();
      // As in Chrome, a Port's own disconnect() fires nothing on its own side.
      const [gone, kept] = side === 'opener' ? [far, mine] : [mine, far];
      expect(gone.map((j) => j.disconnected())).toEqual([true, true, true]);
      expect(kept.map((j) => j.disconnected())).toEqual([false, false, false]);
      expect(opener.closed).toBe(side === 'acceptor');
    }
  });
});

describe('the engine link between background and offscreen document', () => {
  function wire() {
    const log: string[] = [];
    let linkEnd: PortLike | undefined;
    const background = new EngineLink({
      ensureDocument: async () => void log.push('ensureDocument'),
      requestLink: async () => {
        log.push('requestLink');
        offscreen.ensure();
        return true;
      },
      closeDocument: async () => void log.push('closeDocument'),
    });
    const offscreen = backgroundLink(
      () => {
        const [offscreenEnd, backgroundEnd] = portPair('aa:engine');
        linkEnd = backgroundEnd;
        background.accept(backgroundEnd);
        return offscreenEnd;
      },
      // A long silence limit: only the disconnect can stop the job within this test.
      (job) => serveEnginePort(job, { router, pace: pacedSink, silenceTimeoutMs: 60_000 }),
    );
    return { background, offscreen, log, killWorker: () => linkEnd!.disconnect() };
  }

  const generate = (fieldKey: string, maxNewTokens = 64, testPaceMs?: number) => ({
    ...(testPaceMs ? { testPaceMs } : {}),
    type: 'engine:generate',
    fieldKey,
    owner: 'tab1',
    cacheKey: 'https://a.example',
    prompt: 'We propose a',
    options: { ...DEFAULT_SAMPLING, maxNewTokens, ignoreEos: true, stopAtSentenceEnd: false },
    idleUnloadMinutes: 10,
  });

  it('asks the document for the link, then streams a generation over a job', async () => {
    const { background, log } = wire();
    const job = await background.open();
    expect(log).toEqual(['ensureDocument', 'requestLink']);
    const seen = recording(job);
    job.postMessage(generate('t:0:a', 8));
    await expect.poll(() => types(seen.received), { timeout: 30_000 }).toContain('done');
    // The next job reuses the open link.
    await background.open();
    expect(log).toEqual(['ensureDocument', 'requestLink']);
  });

  it('a killed worker closes the link: the orphaned generation stops at once', async () => {
    const { background, offscreen, killWorker } = wire();
    const job = await background.open();
    const seen = recording(job);
    // Paced (test builds' testPaceMs) so the stream is still going when the worker dies.
    job.postMessage(generate('t:0:orphan', 64, 50));
    await expect.poll(() => types(seen.received), { timeout: 30_000 }).toContain('delta');
    killWorker();
    const atKill = seen.received.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(offscreen.connected).toBe(false);
    // Far less than the 60 s silence limit: nothing more was sent, and the router let go of the field.
    expect(seen.received.length).toBe(atKill);
    expect(router.activeFields).not.toContain('t:0:orphan');
  });

  it('closes the document when the offscreen side asks to be replaced', async () => {
    const { background, offscreen, log } = wire();
    await background.open();
    offscreen.requestRestart('2 engine failures in a row');
    await tick();
    expect(log).toContain('closeDocument');
  });
});
