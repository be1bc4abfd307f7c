/**
 * Ollama's native API (docs/api.md in ollama/ollama; logprobs in api/types.go,
 * GenerateRequest.Logprobs/TopLogprobs and GenerateResponse.Logprobs, since v0.12.11):
 *   POST /api/generate {model, prompt, raw: true, stream: true, keep_alive,
 *     options: {temperature, top_p, top_k, repeat_penalty, num_predict, seed, stop},
 *     logprobs, top_logprobs}
 *   → NDJSON: {"response": "…", "done": false, "logprobs": [{token, logprob, top_logprobs}]}…
 *     then {"done": true, "done_reason": "stop" | "length", "eval_count": N, …}
 *   With text after the caret, on a model whose /api/show capabilities include
 *   "insert": raw false + suffix (raw mode skips the template, and the template
 *   is what places the model's FIM tokens around prompt and suffix).
 *   GET /api/tags {"models": [{name, size, details: {parameter_size, quantization_level}}]}
 *   POST /api/show {model} {…, "capabilities": ["completion", "insert"]}; GET /api/version {"version"}
 * Errors are {"error": "…"}: 404 `model "x" not found, try pulling it first`;
 * 403 with an empty body when OLLAMA_ORIGINS does not allow the request's Origin.
 */
import { BackendError } from './errors';
import type { ErrorRules } from './http';
import { guessPlatform, ollamaOriginsFix } from './ollama-origins';
import { ServerBackend, clampTopLogprobs } from './server-backend';
import { parsePayload, streamCompletion, type StreamStep } from './server-completion';
import type { BackendCapabilities, CompletionCallbacks, CompletionRequest, CompletionResult, ModelInfo, ServerConfig, TokenLogprob } from './types';

/** keep_alive when none is configured: long enough that a writer's pauses never reload the model. */
export const DEFAULT_KEEP_ALIVE = '30m';

const ollamaRules: ErrorRules = (failure, conn) => {
  const { status, serverMessage, hadKey } = failure;
  if (status === 403 && !hadKey) {
    const fix = ollamaOriginsFix(conn.config.platform ?? guessPlatform(), conn.config.clientOrigin);
    return new BackendError('forbidden-origin', `Ollama at ${conn.origin} refused the extension (403): it only answers web pages it trusts. To allow this extension, ${fix}.`, { status });
  }
  if (status === 404 && /not found/i.test(serverMessage)) {
    const model = conn.config.model.trim();
    return new BackendError('model-not-found', `Ollama at ${conn.origin} does not have the model "${model}": run \`ollama pull ${model}\` or pick one of its models in the settings.`, { status });
  }
  if (status === 400 && /does not support insert/i.test(serverMessage)) {
    return new BackendError('unsupported', `The model "${conn.config.model}" cannot fill in text between prefix and suffix (no "insert" capability).`, { status });
  }
  return undefined;
};

interface OllamaLogprob {
  token: string;
  logprob: number;
  top_logprobs?: Array<{ token: string; logprob: number }>;
}

const toToken = (lp: OllamaLogprob): TokenLogprob => ({ text: lp.token, logprob: lp.logprob, top: lp.top_logprobs?.map((t) => ({ text: t.token, logprob: t.logprob })) });

export class OllamaBackend extends ServerBackend {
  private readonly keepAlive: string;

  constructor(config: ServerConfig) {
    super({ ...config, kind: 'ollama' }, ollamaRules);
    this.keepAlive = config.keepAlive ?? DEFAULT_KEEP_ALIVE;
  }

  async complete(request: CompletionRequest, callbacks: CompletionCallbacks = {}): Promise<CompletionResult> {
    const { options } = request;
    const infill = request.suffix !== undefined && request.suffix !== '' && (await this.capabilities(callbacks.signal).catch(() => undefined))?.infill === true;
    const top = clampTopLogprobs(request.topLogprobs);
    const body = {
      model: this.model,
      prompt: request.prompt,
      ...(infill ? { suffix: request.suffix, raw: false } : { raw: true }),
      stream: true,
      keep_alive: this.keepAlive,
      options: {
        temperature: options.temperature,
        top_p: options.topP,
        // Ollama reads top_k 0 as "off" too.
        top_k: options.topK,
        repeat_penalty: options.repetitionPenalty,
        num_predict: options.maxNewTokens,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.stop?.length ? { stop: options.stop } : {}),
      },
      ...(top !== undefined ? { logprobs: true, top_logprobs: top } : {}),
    };
    return streamCompletion(this.conn, { path: '/api/generate', body, format: 'ndjson', parse: (line) => this.parse(line) }, options.stopAtSentenceEnd, callbacks);
  }

  private parse(line: string): StreamStep {
    const obj = parsePayload(this.conn, line);
    if (typeof obj?.error === 'string') throw new BackendError('server-error', `Ollama at ${this.origin} stopped with an error: ${obj.error.slice(0, 300)}`);
    if (typeof obj?.response !== 'string' && obj?.done !== true) throw new BackendError('bad-response', `Ollama at ${this.origin} sent a line without "response": is the server kind right?`);
    const step: StreamStep = { text: typeof obj.response === 'string' ? obj.response : '' };
    if (Array.isArray(obj.logprobs)) step.tokens = (obj.logprobs as OllamaLogprob[]).map(toToken);
    if (obj.done === true) step.done = { reason: obj.done_reason === 'length' ? 'max_tokens' : 'eos', tokens: typeof obj.eval_count === 'number' ? obj.eval_count : undefined };
    return step;
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const body = await this.conn.json('/api/tags', { signal });
    if (!Array.isArray(body?.models)) throw new BackendError('bad-response', `${this.conn.url('/api/tags')} did not list models: is this really Ollama?`);
    return body.models
      .filter((m: any) => typeof m?.name === 'string')
      .map((m: any) => ({
        name: m.name,
        size: typeof m.size === 'number' ? m.size : undefined,
        details: [m.details?.parameter_size, m.details?.quantization_level].filter(Boolean).join(' ') || undefined,
      }));
  }

  protected async probeCapabilities(signal?: AbortSignal): Promise<BackendCapabilities> {
    const [show, version] = await Promise.all([this.conn.json('/api/show', { body: { model: this.model }, signal }), this.serverVersion(signal).catch(() => undefined)]);
    const caps: string[] = Array.isArray(show?.capabilities) ? show.capabilities : [];
    return { infill: caps.includes('insert'), logprobs: version !== undefined && atLeast(version, [0, 12, 11]), promptLogprobs: false, candidates: 1 };
  }

  protected async serverVersion(signal?: AbortSignal): Promise<string | undefined> {
    const body = await this.conn.json('/api/version', { signal });
    return typeof body?.version === 'string' ? body.version : undefined;
  }
}

/** "0.12.11" ≥ [0, 12, 11]; pre-release suffixes ignored. */
export function atLeast(version: string, min: number[]): boolean {
  const parts = version.replace(/^v/, '').split(/[.-]/).map((p) => parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const p = Number.isFinite(parts[i]) ? parts[i] : 0;
    if (p !== min[i]) return p > min[i];
  }
  return true;
}
