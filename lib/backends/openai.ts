/**
 * OpenAI-compatible legacy completions (vLLM, TGI, LM Studio, LocalAI, llama.cpp's
 * /v1, hosted endpoints), as in OpenAI's API reference "Completions" and vLLM's
 * docs/serving/openai_compatible_server.md:
 *   POST {base}/completions {model, prompt, stream: true, max_tokens, temperature,
 *     top_p, seed, stop, logprobs: N, top_k, repetition_penalty}
 *     (top_k and repetition_penalty are vLLM's "extra sampling parameters"; LM Studio
 *     and llama.cpp read them too)
 *   → SSE `data: {"choices": [{"text": "…", "logprobs": {"tokens": […], "token_logprobs": […],
 *       "top_logprobs": [{"tok": lp, …}]}, "finish_reason": null | "stop" | "length"}]}` … `data: [DONE]`
 *   GET {base}/models {"data": [{"id"}]}
 *   Prompt log-probabilities (bits per byte): stream false, echo true, logprobs 0:
 *   the prompt's own tokens come back with token_logprobs (the first one null).
 * `Authorization: Bearer KEY`; errors {"error": {"message", "type", "code"}} (OpenAI,
 * vLLM ≥ 0.8) or {"object": "error", "message"} (older vLLM), 401 {"error": "Unauthorized"} (vLLM --api-key).
 * The base may end in /v1 ("http://host:8000/v1", as OpenAI clients take it) or not.
 */
import { BackendError } from './errors';
import type { Connection, ErrorRules } from './http';
import { ServerBackend, clampTopLogprobs } from './server-backend';
import { parsePayload, streamCompletion, type StreamStep } from './server-completion';
import type { BackendCapabilities, CompletionCallbacks, CompletionRequest, CompletionResult, ModelInfo, PromptScore, ServerConfig, TokenLogprob } from './types';

const openaiRules: ErrorRules = ({ status, serverMessage }, conn) => {
  if ((status === 404 || status === 400) && /model/i.test(serverMessage) && /(does not exist|not found|no such model)/i.test(serverMessage)) {
    return new BackendError('model-not-found', `${conn.name} has no model "${conn.config.model}" (it said: ${serverMessage}): pick one of its models in the settings.`, { status });
  }
  return undefined;
};

/** OpenAI allows logprobs up to 5 on completions; vLLM up to its max_logprobs (20). */
const MAX_LOGPROBS = 5;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

/** What goes between the configured base and "/completions" or "/models": "/v1" unless the base already ends with it. */
export const v1Prefix = (url: string): string => (/\/v1\/?$/.test(new URL(url.trim()).pathname) ? '' : '/v1');

/** An OpenAI-style model list, {"data": [{"id"}]}: OpenAI-compatible servers, and llama.cpp's /v1/models. */
export async function listOpenAiModels(conn: Connection, path: string, signal?: AbortSignal): Promise<ModelInfo[]> {
  const body = await conn.json(path, { signal });
  if (!Array.isArray(body?.data)) throw new BackendError('bad-response', `${conn.url(path)} did not list models: is the server kind right?`);
  return body.data.filter((m: any) => typeof m?.id === 'string').map((m: any) => ({ name: m.id }));
}

/** The tokens of one streamed choice's logprobs object. */
function toTokens(lp: any): TokenLogprob[] {
  if (!Array.isArray(lp?.tokens) || !Array.isArray(lp?.token_logprobs)) return [];
  return lp.tokens.map((text: string, i: number) => {
    const alts = lp.top_logprobs?.[i];
    return {
      text: String(text),
      logprob: Number(lp.token_logprobs[i]),
      top: alts && typeof alts === 'object' ? Object.entries(alts).map(([t, l]) => ({ text: t, logprob: Number(l) })) : undefined,
    };
  });
}

export class OpenAiBackend extends ServerBackend {
  private readonly prefix: string;

  constructor(config: ServerConfig) {
    super({ ...config, kind: 'openai' }, openaiRules);
    this.prefix = v1Prefix(config.url);
  }

  async complete(request: CompletionRequest, callbacks: CompletionCallbacks = {}): Promise<CompletionResult> {
    const { options } = request;
    const top = clampTopLogprobs(request.topLogprobs);
    const body = {
      model: this.model,
      prompt: request.prompt,
      stream: true,
      max_tokens: options.maxNewTokens,
      temperature: options.temperature,
      top_p: options.topP,
      ...(options.topK > 0 ? { top_k: options.topK } : {}),
      ...(options.repetitionPenalty !== 1 ? { repetition_penalty: options.repetitionPenalty } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.stop?.length ? { stop: options.stop.slice(0, 4) } : {}),
      ...(top !== undefined ? { logprobs: Math.min(MAX_LOGPROBS, top) } : {}),
    };
    return streamCompletion(this.conn, { path: `${this.prefix}/completions`, body, format: 'sse', parse: (data) => this.parse(data) }, options.stopAtSentenceEnd, callbacks);
  }

  private parse(data: string): StreamStep {
    if (data.trim() === '[DONE]') return { done: { reason: 'eos' } };
    const obj = parsePayload(this.conn, data);
    if (obj?.error || obj?.object === 'error') throw new BackendError('server-error', `${this.conn.name} stopped with an error: ${String(obj.error?.message ?? obj.error ?? obj.message).slice(0, 300)}`);
    const choice = Array.isArray(obj?.choices) ? obj.choices[0] : undefined;
    // A chunk with no choices (e.g. the usage chunk) carries nothing for us.
    if (!choice) return {};
    if (typeof choice.text !== 'string') throw new BackendError('bad-response', `${this.conn.name} sent a chunk without "text": does it serve /v1/completions (not only chat)?`);
    const step: StreamStep = { text: choice.text, tokens: choice.logprobs ? toTokens(choice.logprobs) : undefined };
    if (choice.finish_reason === 'length') step.done = { reason: 'max_tokens', tokens: obj.usage?.completion_tokens };
    else if (choice.finish_reason === 'stop') step.done = { reason: 'eos', tokens: obj.usage?.completion_tokens };
    return step;
  }

  async scorePrompt(text: string, signal?: AbortSignal): Promise<PromptScore> {
    const body = await this.conn.json(`${this.prefix}/completions`, { body: { model: this.model, prompt: text, stream: false, echo: true, logprobs: 0, max_tokens: 1, temperature: 0 }, signal });
    const lp = body?.choices?.[0]?.logprobs;
    if (!Array.isArray(lp?.token_logprobs) || !Array.isArray(lp?.text_offset)) {
      throw new BackendError('unsupported', `${this.conn.name} gave no log-probabilities for the prompt (echo + logprobs): bits per byte cannot be measured through it.`);
    }
    let nllNats = 0;
    let tokens = 0;
    let scoredFrom = -1;
    for (let i = 0; i < lp.token_logprobs.length; i++) {
      const offset = lp.text_offset[i];
      // Tokens past the prompt are the one generated token; the first prompt token has no context (null).
      if (typeof offset !== 'number' || offset >= text.length || lp.token_logprobs[i] === null) continue;
      if (scoredFrom < 0) scoredFrom = offset;
      nllNats -= Number(lp.token_logprobs[i]);
      tokens++;
    }
    return { nllNats, tokens, bytes: scoredFrom < 0 ? 0 : utf8Length(text.slice(scoredFrom)) };
  }

  listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    return listOpenAiModels(this.conn, `${this.prefix}/models`, signal);
  }

  protected async probeCapabilities(): Promise<BackendCapabilities> {
    return { infill: false, logprobs: true, promptLogprobs: true, candidates: 1 };
  }

  protected async serverVersion(): Promise<string | undefined> {
    return undefined;
  }
}
