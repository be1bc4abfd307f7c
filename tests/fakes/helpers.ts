/** What the backend tests against the fakes share: sampling settings, a browser-like fetch, a closed port, one fake per test. */
import { createServer } from 'node:net';
import { afterEach, expect } from 'vitest';
import { createServerBackend } from '../../lib/backends/create';
import { greedy } from '../../lib/backends/greedy';
import { BackendError } from '../../lib/backends/errors';
import type { Backend, CompletionOptions, ServerConfig } from '../../lib/backends/types';
import { FAKE_MODELS, startFake, type Fake, type FakeKind, type FakeOptions } from './fake-server';

/** Greedy, 32 tokens: the fakes' continuations are at most 9 tokens, so they end by themselves. */
export const GREEDY: CompletionOptions = Object.freeze(greedy(32));

/** fetch as an extension page sends it: with its Origin header (Node's fetch sends none). */
export const fetchWithOrigin =
  (origin: string): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Origin: origin } });

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * One fake per test, closed after it, and a backend of the same kind pointed at it:
 *   const { setup } = useFake('ollama', { model: 'fake-llm' });
 *   const { fake, backend } = await setup({ tokenDelayMs: 20 }, { apiKey: 'k' });
 */
export function useFake(kind: FakeKind, defaults: Partial<ServerConfig> = {}) {
  let current: Fake | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    get fake(): Fake {
      if (!current) throw new Error('no fake started in this test');
      return current;
    },
    async setup(options: FakeOptions = {}, config: Partial<ServerConfig> = {}): Promise<{ fake: Fake; backend: Backend }> {
      current = await startFake(kind, options);
      return { fake: current, backend: createServerBackend({ kind, url: current.url, model: FAKE_MODELS[kind], ...defaults, ...config }) };
    },
  };
}

/** The BackendError a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function failure(p: Promise<unknown>): Promise<BackendError> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  expect(e).toBeInstanceOf(BackendError);
  return e as BackendError;
}
