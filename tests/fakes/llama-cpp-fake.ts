/**
 * llama.cpp's server as tools/server/README.md describes it: /health, /props,
 * /v1/models, /completion and /infill (SSE with `completion_probabilities` when
 * n_probs > 0), errors as {"error": {"code", "message", "type"}}, --api-key
 * (401 except on the public /health and /models), a model still loading (503),
 * and a model without FIM tokens (501 on /infill). CORS reflects any Origin (its default).
 */
import { planCompletion, type FakeToken } from './continuations';
import type { FakeExchange, StreamPiece } from './fake-server';

const error = (code: number, message: string, type: string) => ({ error: { code, message, type } });

export async function handleLlamaCpp(x: FakeExchange): Promise<void> {
  const { req, res, path, body, options } = x;
  if (req.headers.origin) res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' });
    res.end();
    return;
  }
  const isPublic = path === '/health' || path === '/v1/health' || path === '/models' || path === '/v1/models';
  if (options.apiKey && !isPublic && req.headers.authorization !== `Bearer ${options.apiKey}`) return x.json(401, error(401, 'Invalid API Key', 'authentication_error'));
  const loading = () => x.json(503, error(503, 'Loading model', 'unavailable_error'));
  const model = x.models[0];

  if (req.method === 'GET' && (path === '/health' || path === '/v1/health')) return options.loading ? loading() : x.json(200, { status: 'ok' });
  if (req.method === 'GET' && path === '/props') {
    return x.json(200, { default_generation_settings: { n_ctx: 4096, params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95 } }, total_slots: 1, model_path: `/models/${model}`, build_info: 'b9999-fake', modalities: { vision: false } });
  }
  if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
    return x.json(200, { object: 'list', data: [{ id: model, object: 'model', created: 1_700_000_000, owned_by: 'llamacpp', meta: { n_ctx_train: 4096 } }] });
  }
  if (req.method === 'POST' && (path === '/completion' || path === '/infill')) {
    if (options.loading) return loading();
    if (path === '/infill' && options.infill === false) return x.json(501, error(501, 'Infill is not supported by this model: prefix token is missing', 'not_supported_error'));
    const prompt = path === '/infill' ? String(body?.input_prefix ?? '') : String(body?.prompt ?? '');
    const limit = typeof body?.n_predict === 'number' && body.n_predict >= 0 ? body.n_predict : Infinity;
    const { tokens, reason } = planCompletion(prompt, limit, body?.stop ?? []);
    const nProbs = options.logprobs === false ? 0 : Math.max(0, body?.n_probs ?? 0);
    const probs = (t: FakeToken, i: number) =>
      nProbs > 0 ? { completion_probabilities: [{ id: 1000 + i, token: t.text, bytes: [...Buffer.from(t.text)], logprob: t.logprob, top_logprobs: t.top.slice(0, nProbs).map((a, j) => ({ id: 2000 + j, token: a.text, bytes: [...Buffer.from(a.text)], logprob: a.logprob })) }] } : {};
    const final = { index: 0, content: '', stop: true, stop_type: reason === 'length' ? 'limit' : reason === 'stop' ? 'word' : 'eos', stopping_word: '', tokens_predicted: tokens.length, tokens_evaluated: 6, model, timings: { predicted_n: tokens.length } };
    if (body?.stream !== true) return x.json(200, { ...final, content: tokens.map((t) => t.text).join('') });
    const pieces: StreamPiece[] = tokens.map((t, i) => ({ token: true, data: `data: ${JSON.stringify({ index: 0, content: t.text, tokens: [1000 + i], stop: false, id_slot: 0, tokens_predicted: i + 1, tokens_evaluated: 6, ...probs(t, i) })}\n\n` }));
    pieces.push({ data: `data: ${JSON.stringify(final)}\n\n` });
    await x.stream('text/event-stream', pieces);
    return;
  }
  x.json(404, error(404, 'File Not Found', 'not_found_error'));
}
