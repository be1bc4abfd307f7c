/**
 * Ollama's API as docs/api.md and api/types.go describe it, v0.13-like (v0.12-like
 * with `logprobs: false`): /api/version, /api/tags, /api/show, /api/generate
 * (NDJSON stream or one object), errors as {"error": "…"}, and the Origin check of
 * its CORS middleware: a request whose Origin is not in the defaults or
 * OLLAMA_ORIGINS (FakeOptions.allowOrigins) gets 403 with an empty body.
 */
import { planCompletion } from './continuations';
import type { FakeExchange, StreamPiece } from './fake-server';

/** envconfig.Origins() defaults: localhost, 127.0.0.1 and 0.0.0.0 on any port, plus app, file, tauri and vscode-webview. */
const DEFAULT_ORIGINS = ['localhost', '127.0.0.1', '0.0.0.0']
  .flatMap((h) => [`http://${h}`, `https://${h}`, `http://${h}:*`, `https://${h}:*`])
  .concat(['app://*', 'file://*', 'tauri://*', 'vscode-webview://*']);

const matches = (pattern: string, origin: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(origin);

export function ollamaAllows(origin: string | undefined, extra: string[] = []): boolean {
  return origin === undefined || [...DEFAULT_ORIGINS, ...extra].some((p) => matches(p, origin));
}

const now = () => new Date().toISOString();

export async function handleOllama(x: FakeExchange): Promise<void> {
  const { req, res, path, body, options } = x;
  const origin = req.headers.origin;
  if (!ollamaAllows(origin, options.allowOrigins)) {
    res.writeHead(403);
    res.end();
    return;
  }
  if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' });
    res.end();
    return;
  }
  const has = (name: unknown) => typeof name === 'string' && x.models.some((m) => m === name || m === `${name}:latest`);
  const notFound = (name: unknown) => x.json(404, { error: `model "${String(name)}" not found, try pulling it first` });
  const withLogprobs = options.logprobs !== false;

  if (req.method === 'GET' && path === '/api/version') return x.json(200, { version: withLogprobs ? '0.13.0' : '0.12.3' });
  if (req.method === 'GET' && path === '/api/tags') {
    return x.json(200, {
      models: x.models.map((name) => ({ name, model: name, modified_at: now(), size: 1_321_098_329, digest: 'sha256:fake', details: { format: 'gguf', family: 'llama', parameter_size: '1.2B', quantization_level: 'Q4_K_M' } })),
    });
  }
  if (req.method === 'POST' && path === '/api/show') {
    if (!has(body?.model)) return x.json(404, { error: `model '${String(body?.model)}' not found` });
    return x.json(200, { details: { family: 'llama', parameter_size: '1.2B' }, capabilities: options.infill === false ? ['completion'] : ['completion', 'insert'] });
  }
  if (req.method === 'POST' && path === '/api/generate') {
    if (typeof body?.model !== 'string' || body.model === '') return x.json(400, { error: 'model is required' });
    if (!has(body.model)) return notFound(body.model);
    const useSuffix = !body.raw && typeof body.suffix === 'string' && body.suffix !== '';
    if (useSuffix && options.infill === false) return x.json(400, { error: `registry.ollama.ai/library/${body.model} does not support insert` });
    const limit = typeof body.options?.num_predict === 'number' && body.options.num_predict >= 0 ? body.options.num_predict : Infinity;
    const { tokens, reason } = planCompletion(String(body.prompt ?? ''), limit, body.options?.stop ?? []);
    const top = Math.max(0, Math.min(20, body.top_logprobs ?? 0));
    const logprobsFor = (t: (typeof tokens)[number]) =>
      withLogprobs && body.logprobs ? { logprobs: [{ token: t.text, logprob: t.logprob, bytes: [...Buffer.from(t.text)], top_logprobs: t.top.slice(0, top).map((a) => ({ token: a.text, logprob: a.logprob, bytes: [...Buffer.from(a.text)] })) }] } : {};
    const final = { model: body.model, created_at: now(), response: '', done: true, done_reason: reason === 'length' ? 'length' : 'stop', total_duration: 1_000_000, prompt_eval_count: 5, eval_count: tokens.length, eval_duration: 900_000 };
    if (body.stream === false) {
      return x.json(200, { ...final, response: tokens.map((t) => t.text).join('') });
    }
    const pieces: StreamPiece[] = tokens.map((t) => ({ token: true, data: `${JSON.stringify({ model: body.model, created_at: now(), response: t.text, done: false, ...logprobsFor(t) })}\n` }));
    pieces.push({ data: `${JSON.stringify(final)}\n` });
    await x.stream('application/x-ndjson', pieces);
    return;
  }
  // Routes Ollama does not have: gin's default answer, plain text, not Ollama's {"error"} JSON.
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('404 page not found');
}
