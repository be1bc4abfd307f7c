/** Which kind of server answers at a URL. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { closedPort, fetchWithOrigin } from '../../tests/fakes/helpers';
import { startFake, type Fake } from '../../tests/fakes/fake-server';
import { detectServerKind } from './detect';
import { BackendError } from './errors';

let fake: Fake | undefined;
let plain: Server | undefined;
afterEach(async () => {
  await fake?.close();
  await new Promise((r) => (plain ? plain.close(r) : r(undefined)));
  fake = undefined;
  plain = undefined;
});

async function plainServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  plain = createServer(handler);
  await new Promise<void>((r) => plain!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(plain.address() as { port: number }).port}`;
}

describe('detectServerKind', () => {
  it.each(['ollama', 'llama.cpp', 'openai'] as const)('recognises %s', async (kind) => {
    fake = await startFake(kind);
    expect(await detectServerKind({ url: fake.url })).toBe(kind);
  });

  it('an Ollama that refuses the extension origin is still Ollama (the 403 comes with the fix later)', async () => {
    fake = await startFake('ollama');
    expect(await detectServerKind({ url: fake.url, fetch: fetchWithOrigin('moz-extension://x') })).toBe('ollama');
  });

  it('a key-protected OpenAI-compatible server is recognised from its 401', async () => {
    fake = await startFake('openai', { apiKey: 'k' });
    expect(await detectServerKind({ url: fake.origin })).toBe('openai');
  });

  it('a llama.cpp started with --api-key (its /props refused) is llama.cpp, from its public /v1/models', async () => {
    fake = await startFake('llama.cpp', { apiKey: 'k' });
    expect(await detectServerKind({ url: fake.origin })).toBe('llama.cpp');
  });

  it('nothing listening: unreachable', async () => {
    const e = await detectServerKind({ url: `http://127.0.0.1:${await closedPort()}` }).catch((x) => x);
    expect(e).toBeInstanceOf(BackendError);
    expect(e.kind).toBe('unreachable');
  });

  it('a web server that is no model server: bad-response naming the three kinds', async () => {
    const url = await plainServer((_req, res) => {
      res.writeHead(404);
      res.end('<html>no</html>');
    });
    const e = await detectServerKind({ url }).catch((x) => x);
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain('No Ollama, llama.cpp or OpenAI-compatible server');
  });
});
