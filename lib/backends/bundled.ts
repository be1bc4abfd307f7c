/**
 * The bundled model behind the Backend seam: `complete` is Engine.generate,
 * `suggest` is lib/suggest's suggest() (top-k first tokens, each continued
 * greedily, cut by confidence: several candidates to cycle through),
 * `scorePrompt` is Engine.score. Nothing leaves the machine (origin null).
 * No infill: the model reads only the text before the caret. Stop strings are
 * not applied (the engine has no such option; its callers use stopAtSentenceEnd).
 */
import type { Engine } from '../engine/types';
import { suggest } from '../suggest/suggester';
import { CONNECTION_TEST_PROMPT, greedy } from './greedy';
import { startBudget } from './suggest-budget';
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
} from './types';

const CAPABILITIES: BackendCapabilities = Object.freeze({ infill: false, logprobs: true, promptLogprobs: true, candidates: 8 });

export class BundledBackend implements Backend {
  readonly kind = 'bundled' as const;
  readonly origin = null;
  readonly model: string;

  /** @param ownsEngine dispose() disposes the engine too (CLIs); the extension's EngineHost keeps its own. */
  constructor(
    private readonly engine: Engine,
    private readonly ownsEngine = false,
  ) {
    this.model = engine.info.name;
  }

  async capabilities(): Promise<BackendCapabilities> {
    return CAPABILITIES;
  }

  async complete(request: CompletionRequest, callbacks: CompletionCallbacks = {}): Promise<CompletionResult> {
    const r = await this.engine.generate(request.prompt, request.options, { onDelta: callbacks.onDelta, signal: callbacks.signal, cacheKey: callbacks.cacheKey });
    return { text: r.text, tokens: r.tokens, stopReason: r.stopReason, timeToFirstTokenMs: r.timeToFirstTokenMs, totalMs: r.totalMs, logprobs: false };
  }

  async suggest(textBeforeCaret: string, request: BackendSuggestRequest = {}): Promise<BackendSuggestion[]> {
    const budget = startBudget(request.budgetMs, request.signal);
    try {
      return await suggest(this.engine, textBeforeCaret, {
        settings: request.settings,
        count: request.count,
        cacheKey: request.cacheKey,
        signal: budget.signal,
        onUpdate: (ghost) => {
          budget.met();
          request.onUpdate?.(ghost);
        },
      });
    } finally {
      budget.dispose();
    }
  }

  scorePrompt(text: string): Promise<PromptScore> {
    return this.engine.score(text);
  }

  async listModels(): Promise<ModelInfo[]> {
    return [{ name: this.engine.info.name, size: this.engine.info.modelBytes }];
  }

  async testConnection(signal?: AbortSignal): Promise<ConnectionReport> {
    const started = performance.now();
    await this.engine.generate(CONNECTION_TEST_PROMPT, greedy(1), { signal });
    return { kind: 'bundled', origin: null, model: this.model, modelListed: true, latencyMs: performance.now() - started, capabilities: CAPABILITIES };
  }

  async dispose(): Promise<void> {
    if (this.ownsEngine) await this.engine.dispose();
  }
}
