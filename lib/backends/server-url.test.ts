/** The one origin check: where a server backend may send text, and that a redirect moves nothing elsewhere. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { BackendError } from './errors';
import { OllamaBackend } from './ollama';
import { assertSameOrigin, endpointUrl, parseServerUrl, serverOrigin } from './server-url';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

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
    const otherUrl = await serve((_req, res) => {
      otherHit = true;
      res.end('{}');
    });
    const url = await serve((req, res) => {
      res.writeHead(307, { Location: `${otherUrl}${req.url}` });
      res.end();
    });
    const e = await new OllamaBackend({ kind: 'ollama', url, model: 'm' }).listModels().catch((x) => x);
    expect(e).toBeInstanceOf(BackendError);
    expect(otherHit).toBe(false);
    // Said as a redirect, not as a server that is down (it answered).
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain('with a redirect');
  });
});
