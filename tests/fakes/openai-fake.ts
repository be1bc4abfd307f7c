/**
 * An OpenAI-compatible server as OpenAI's API reference and vLLM's OpenAI server
 * answer: /v1/models, /v1/completions (SSE chunks with legacy `logprobs`, then
 * `data: [DONE]`; or one JSON object; `echo` returns the prompt's own tokens with
 * their log-probabilities, the first null), `Authorization: Bearer` checked like
 * OpenAI (401 with its error JSON), an unknown model like vLLM (404 NotFoundError).
 */
import { planCompletion, promptPieces, type FakeToken } from './continuations';
import type { FakeExchange, StreamPiece } from './fake-server';

/** Every echoed prompt token gets this log-probability: bits per byte are then known exactly. */
export const ECHO_LOGPROB = -1;

const legacyLogprobs = (tokens: Array<{ text: string; logprob: number | null; top?: FakeToken['top'] }>, n: number, from: number) => {
  let offset = from;
  const text_offset: number[] = [];
  for (const t of tokens) {
    text_offset.push(offset);
    offset += t.text.length;
  }
  return {
    tokens: tokens.map((t) => t.text),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => (t.top && n > 0 ? Object.fromEntries(t.top.slice(0, n).map((a) => [a.text, a.logprob])) : null)),
    text_offset,
  };
};

export async function handleOpenAi(x: FakeExchange): Promise<void> {
  const { req, res, path, body, options } = x;
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' });
    res.end();
    return;
  }
  if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
    const given = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    return x.json(401, {
      error: given
        ? { message: `Incorrect API key provided: ${given.slice(0, 3)}***${given.slice(-2)}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' }
        : { message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", type: 'invalid_request_error', param: null, code: null },
    });
  }
  if (req.method === 'GET' && path === '/v1/models') {
    return x.json(200, { object: 'list', data: x.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'vllm', max_model_len: 4096 })) });
  }
  if (req.method === 'POST' && path === '/v1/completions') {
    if (!x.models.includes(body?.model)) return x.json(404, { error: { message: `The model \`${String(body?.model)}\` does not exist.`, type: 'NotFoundError', param: 'model', code: 404 } });
    const prompt = String(body.prompt ?? '');
    const n = options.logprobs === false || typeof body.logprobs !== 'number' ? -1 : body.logprobs;
    const stop = typeof body.stop === 'string' ? [body.stop] : (body.stop ?? []);
    const { tokens, reason } = planCompletion(prompt, typeof body.max_tokens === 'number' ? body.max_tokens : 16, stop);
    const finish = reason === 'length' ? 'length' : 'stop';
    const base = { id: 'cmpl-fake', object: 'text_completion', created: 1_700_000_000, model: body.model };
    if (body.stream !== true) {
      const echoed = body.echo ? promptPieces(prompt).map((text, i) => ({ text, logprob: i === 0 ? null : ECHO_LOGPROB })) : [];
      const all = [...echoed, ...tokens];
      const text = all.map((t) => t.text).join('');
      return x.json(200, { ...base, choices: [{ index: 0, text, logprobs: n >= 0 ? legacyLogprobs(all, n, 0) : null, finish_reason: finish }], usage: { prompt_tokens: 6, completion_tokens: tokens.length, total_tokens: 6 + tokens.length } });
    }
    let offset = prompt.length;
    const pieces: StreamPiece[] = tokens.map((t) => {
      const chunk = { ...base, choices: [{ index: 0, text: t.text, logprobs: n >= 0 ? legacyLogprobs([t], n, offset) : null, finish_reason: null, stop_reason: null }] };
      offset += t.text.length;
      return { token: true, data: `data: ${JSON.stringify(chunk)}\n\n` };
    });
    pieces.push({ data: `data: ${JSON.stringify({ ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: finish, stop_reason: null }] })}\n\n` });
    pieces.push({ data: 'data: [DONE]\n\n' });
    await x.stream('text/event-stream', pieces);
    return;
  }
  x.json(404, { detail: 'Not Found' });
}
