/**
 * llama.cpp's own server API (tools/server/README.md in ggml-org/llama.cpp):
 *   POST /completion {prompt, stream: true, n_predict, temperature, top_p, top_k,
 *     repeat_penalty, seed, stop, cache_prompt: true, n_probs}
 *   POST /infill {input_prefix, input_suffix, …the same options} for text after the caret
 *   → SSE `data: {"content": "…", "stop": false, "completion_probabilities":
 *       [{"id", "token", "logprob", "bytes", "top_logprobs": [{"token", "logprob"}]}]}`
 *     then `data: {"content": "", "stop": true, "stop_type": "eos" | "limit" | "word", "tokens_predicted": N}`
 *     (servers before the logprob format, early 2025, sent `{"content", "probs": [{"tok_str", "prob"}]}` items)
 *   GET /health 200 {"status": "ok"} or 503 {"error": {"message": "Loading model"}};
 *   GET /props {default_generation_settings, model_path, build_info}; GET /v1/models {"data": [{"id"}]}
 * Errors are {"error": {"code", "message", "type"}}; 401 "Invalid API Key" with --api-key;
 * /infill on a model without FIM tokens answers 501 (not supported).
 * It serves one model, so ServerConfig.model is informational.
 */
import { BackendError } from './errors';
import type { ErrorRules } from './http';
import { listOpenAiModels } from './openai';
import { ServerBackend, clampTopLogprobs } from './server-backend';
import { parsePayload, streamCompletion, type StreamStep } from './server-completion';
import type { BackendCapabilities, CompletionCallbacks, CompletionRequest, CompletionResult, ModelInfo, ServerConfig, TokenLogprob } from './types';

const llamaRules: ErrorRules = ({ status, serverMessage }, conn) => {
  if (status === 503 && /loading/i.test(serverMessage)) return new BackendError('server-error', `${conn.name} is still loading its model: try again in a moment.`, { status });
  return undefined;
};

/** One completion_probabilities item, either format. */
function toToken(item: any): TokenLogprob | undefined {
  if (typeof item?.logprob === 'number' && typeof item.token === 'string') {
    return { text: item.token, logprob: item.logprob, top: Array.isArray(item.top_logprobs) ? item.top_logprobs.map((t: any) => ({ text: String(t.token), logprob: Number(t.logprob) })) : undefined };
  }
  if (typeof item?.content === 'string' && Array.isArray(item.probs)) {
    const own = item.probs.find((p: any) => p.tok_str === item.content);
    const top = item.probs.map((p: any) => ({ text: String(p.tok_str), logprob: Math.log(Number(p.prob)) }));
    return { text: item.content, logprob: own ? Math.log(Number(own.prob)) : -Infinity, top };
  }
  return undefined;
}

export class LlamaCppBackend extends ServerBackend {
  /** Cleared when /infill says the model has no FIM tokens; later requests then complete the prefix only. */
  private infill = true;

  constructor(config: ServerConfig) {
    super({ ...config, kind: 'llama.cpp' }, llamaRules);
  }

  async complete(request: CompletionRequest, callbacks: CompletionCallbacks = {}): Promise<CompletionResult> {
    const { options } = request;
    const top = clampTopLogprobs(request.topLogprobs);
    const common = {
      stream: true,
      n_predict: options.maxNewTokens,
      temperature: options.temperature,
      top_p: options.topP,
      top_k: options.topK,
      repeat_penalty: options.repetitionPenalty,
      // Only the part of the prompt that changed since the last request is evaluated again: typing extends it.
      cache_prompt: true,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.stop?.length ? { stop: options.stop } : {}),
      ...(top !== undefined ? { n_probs: Math.max(1, top) } : {}),
    };
    const run = (path: string, body: object) => streamCompletion(this.conn, { path, body, format: 'sse', parse: (data) => this.parse(data) }, options.stopAtSentenceEnd, callbacks);
    if (request.suffix && this.infill) {
      try {
        return await run('/infill', { input_prefix: request.prompt, input_suffix: request.suffix, ...common });
      } catch (e) {
        if (!(e instanceof BackendError && e.status === 501)) throw e;
        this.infill = false;
      }
    }
    return run('/completion', { prompt: request.prompt, ...common });
  }

  private parse(data: string): StreamStep {
    const obj = parsePayload(this.conn, data);
    if (obj?.error) throw new BackendError('server-error', `${this.conn.name} stopped with an error: ${String(obj.error.message ?? obj.error).slice(0, 300)}`);
    if (typeof obj?.content !== 'string') throw new BackendError('bad-response', `${this.conn.name} sent an event without "content": is the server kind right?`);
    const step: StreamStep = { text: obj.content };
    if (Array.isArray(obj.completion_probabilities)) step.tokens = obj.completion_probabilities.map(toToken).filter((t: TokenLogprob | undefined): t is TokenLogprob => t !== undefined);
    if (obj.stop === true) {
      step.done = { reason: obj.stop_type === 'limit' ? 'max_tokens' : obj.stop_type === 'word' ? 'stop' : 'eos', tokens: typeof obj.tokens_predicted === 'number' ? obj.tokens_predicted : undefined };
    }
    return step;
  }

  listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    return listOpenAiModels(this.conn, '/v1/models', signal);
  }

  /** The probe's answer, with what /infill said since: the probe is remembered, a 501 comes later. */
  override async capabilities(signal?: AbortSignal): Promise<BackendCapabilities> {
    return { ...(await super.capabilities(signal)), infill: this.infill };
  }

  protected async probeCapabilities(signal?: AbortSignal): Promise<BackendCapabilities> {
    // /health is the one endpoint that says "still loading" rather than failing a completion later.
    await this.conn.json('/health', { signal });
    return { infill: this.infill, logprobs: true, promptLogprobs: false, candidates: 1 };
  }

  protected async serverVersion(signal?: AbortSignal): Promise<string | undefined> {
    const props = await this.conn.json('/props', { signal });
    return typeof props?.build_info === 'string' ? props.build_info : undefined;
  }
}
