/**
 * What the three server backends share: the connection, inline suggestions
 * (server-suggest.ts), "test connection", and capabilities probed once. Each
 * protocol supplies its completion, its model list and its probes.
 */
import { BackendError } from './errors';
import { CONNECTION_TEST_PROMPT, greedy } from './greedy';
import { Connection, type ErrorRules } from './http';
import { suggestFromServer } from './server-suggest';
import type {
  Backend,
  BackendCapabilities,
  BackendSuggestRequest,
  BackendSuggestion,
  CompletionCallbacks,
  CompletionRequest,
  CompletionResult,
  ConnectionReport,
  ModelInfo,
  PromptScore,
  ServerConfig,
  ServerKind,
} from './types';

export abstract class ServerBackend implements Backend {
  readonly kind: ServerKind;
  readonly origin: string;
  readonly model: string;
  protected readonly conn: Connection;
  private caps?: Promise<BackendCapabilities>;

  constructor(config: ServerConfig, rules?: ErrorRules) {
    this.conn = new Connection(config, rules);
    this.kind = config.kind;
    this.origin = this.conn.origin;
    this.model = config.model.trim();
  }

  abstract complete(request: CompletionRequest, callbacks?: CompletionCallbacks): Promise<CompletionResult>;
  abstract listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  protected abstract probeCapabilities(signal?: AbortSignal): Promise<BackendCapabilities>;
  protected abstract serverVersion(signal?: AbortSignal): Promise<string | undefined>;

  /** Probed on first use and remembered; a failed probe is retried next time. */
  capabilities(signal?: AbortSignal): Promise<BackendCapabilities> {
    if (!this.caps) {
      this.caps = this.probeCapabilities(signal);
      this.caps.catch(() => (this.caps = undefined));
    }
    return this.caps;
  }

  suggest(textBeforeCaret: string, request?: BackendSuggestRequest): Promise<BackendSuggestion[]> {
    return suggestFromServer(this, textBeforeCaret, request);
  }

  scorePrompt(_text: string, _signal?: AbortSignal): Promise<PromptScore> {
    return Promise.reject(new BackendError('unsupported', `${this.conn.name} gives no log-probabilities for the text it is sent, so bits per byte cannot be measured through it; the keystroke metric works with every server.`));
  }

  /**
   * Lists the models (reachability and the model's presence), then times a
   * one-token greedy completion of a short prompt: what the user waits for
   * before the first word of a suggestion, model loading included when cold.
   */
  async testConnection(signal?: AbortSignal): Promise<ConnectionReport> {
    const [models, serverVersion] = await Promise.all([this.listModels(signal), this.serverVersion(signal).catch(() => undefined)]);
    const modelListed = this.kind === 'llama.cpp' || models.some((m) => sameModel(m.name, this.model));
    if (!modelListed) throw this.missingModel(models);
    const capabilities = await this.capabilities(signal);
    const started = performance.now();
    const result = await this.complete({ prompt: CONNECTION_TEST_PROMPT, options: greedy(1) }, { signal });
    if (result.stopReason === 'aborted') throw signal?.reason ?? new Error('aborted');
    const latencyMs = performance.now() - started;
    return { kind: this.kind, origin: this.origin, model: this.model, modelListed, latencyMs, serverVersion, capabilities };
  }

  async dispose(): Promise<void> {}

  /** The model-not-found error for this server, naming what it does have. */
  protected missingModel(models: ModelInfo[]): BackendError {
    const have = models.length === 0 ? 'it has no models yet' : `it has: ${models.slice(0, 8).map((m) => m.name).join(', ')}${models.length > 8 ? ', …' : ''}`;
    const fix = this.kind === 'ollama' ? `: run \`ollama pull ${this.model || 'MODEL'}\`, or pick one of its models` : ': pick one of its models in the settings';
    return new BackendError('model-not-found', `${this.conn.name} has no model "${this.model}" (${have})${fix}.`);
  }
}

/** Ollama treats "llama3.2" and "llama3.2:latest" as one model. */
export function sameModel(listed: string, wanted: string): boolean {
  const norm = (s: string) => (s.includes(':') ? s : `${s}:latest`);
  return listed === wanted || norm(listed) === norm(wanted);
}

/** Alternatives per token as the servers accept them: a whole number in 0..20 (Ollama's and vLLM's limit). */
export const clampTopLogprobs = (n: number | undefined) => (n === undefined ? undefined : Math.max(0, Math.min(20, Math.round(n))));
