/** Kind detection and the one origin check. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { closedPort, fetchWithOrigin } from '../../tests/fakes/helpers';
import { startFake, type Fake } from '../../tests/fakes/fake-server';
import { detectServerKind } from './detect';
import { BackendError } from './errors';
import { OllamaBackend } from './ollama';
import { assertSameOrigin, endpointUrl, parseServerUrl, serverOrigin } from './server-url';

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

describe('the origin check', () => {
  it('parses http(s) URLs and refuses others, credentials, queries', () => {
    expect(serverOrigin('http://127.0.0.1:11434/')).toBe('http://127.0.0.1:11434');
    for (const bad of ['ftp://x', 'javascript:alert(1)', 'http://u:p@h', 'http://h/?a=1', 'not a url']) {
      expect(() => parseServerUrl(bad)).toThrow(BackendError);
    }
  });

  it('joins the base path and an endpoint, on the same origin', () => {
    expect(endpointUrl('https://lab.example.org/vllm/v1/', '/completions').href).toBe('https://lab.example.org/vllm/v1/completions');
    expect(endpointUrl('http://127.0.0.1:11434', '//evil.example/x').origin).toBe('http://127.0.0.1:11434');
    expect(() => assertSameOrigin('http://127.0.0.1:11434', 'http://evil.example/api')).toThrow(/only the configured server/);
  });

  it('a redirect to another origin is not followed: the other origin receives nothing', async () => {
    let otherHit = false;
    const other = createServer((_req, res) => {
      otherHit = true;
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    const url = await plainServer((req, res) => {
      res.writeHead(307, { Location: `${otherUrl}${req.url}` });
      res.end();
    });
    const e = await new OllamaBackend({ kind: 'ollama', url, model: 'm' }).listModels().catch((x) => x);
    await new Promise((r) => other.close(r));
    expect(e).toBeInstanceOf(BackendError);
    expect(otherHit).toBe(false);
    // Said as a redirect, not as a server that is down (it answered).
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain('with a redirect');
  });
});
