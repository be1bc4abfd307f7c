/**
 * The one seam between what asks for text (editors, the suggestion logic, the
 * CLIs, the bench) and what produces it: the bundled engine or a model server
 * the user points us at (Ollama, llama.cpp server, any OpenAI-compatible
 * `/v1/completions`). Callers hold a `Backend` and never learn which it is.
 *
 * Shaped after the provider layers of Continue (`BaseLLM`: one streamed
 * completion per call, FIM when `supportsFim()`, `listModels()`) and Tabby
 * (completion with an optional suffix), narrowed to what we use: plain
 * completion (no chat template), streamed text deltas, optional per-token
 * log-probabilities, cancellation by AbortSignal (which aborts the HTTP
 * request), and errors a person can act on (`BackendError`).
 *
 * Everything here is plain data or `fetch` + `ReadableStream`: it runs in a
 * service worker, a Firefox background page, an offscreen document and Node 20.
 */
import type { SamplingOptions } from '../engine/types';
import type { InlineSettings } from '../suggest/inline-settings';

/** The model servers we speak to; 'bundled' is the model shipped in the extension. */
export type ServerKind = 'ollama' | 'llama.cpp' | 'openai';
export type BackendKind = 'bundled' | ServerKind;

export const SERVER_KINDS: readonly ServerKind[] = Object.freeze(['ollama', 'llama.cpp', 'openai']);

/** Where a server usually listens when installed with its defaults (the popup pre-fills these). */
export const DEFAULT_SERVER_URLS: Readonly<Record<ServerKind, string>> = Object.freeze({
  ollama: 'http://127.0.0.1:11434',
  'llama.cpp': 'http://127.0.0.1:8080',
  openai: 'http://127.0.0.1:8000/v1',
});

/** What a server backend needs; the extension keeps it in storage.local (the key never syncs). */
export interface ServerConfig {
  kind: ServerKind;
  /**
   * Base URL: origin plus an optional path prefix (e.g. "http://127.0.0.1:11434",
   * "https://lab.example.org/vllm/v1"). Every request goes to this origin and no other.
   */
  url: string;
  /** Model name as the server lists it ("llama3.2:1b", "Qwen/Qwen2.5-1.5B"); llama.cpp serves one model and ignores it. */
  model: string;
  /** Sent as `Authorization: Bearer KEY` to this server only; never logged, never in an error message. */
  apiKey?: string;
  /** Ollama's keep_alive ("5m", "-1" = keep loaded); default "30m": typing pauses must not reload the model. */
  keepAlive?: string;
  /** No response (or no new bytes mid-stream) for this long fails with kind 'timeout' (default 30 000 ms). */
  timeoutMs?: number;
  /** Which OS the Ollama origin fix is written for (default: guessed from the user agent / process.platform). */
  platform?: HostPlatform;
  /** The extension's own origin ("chrome-extension://abc…"), named in the Ollama origin fix; default a wildcard per browser. */
  clientOrigin?: string;
  /** Injected fetch (tests, Node); default globalThis.fetch. */
  fetch?: typeof fetch;
}

export type HostPlatform = 'mac' | 'linux' | 'windows';

/**
 * Sampling as the popup and the engine define it (lib/engine/sampling-options),
 * plus stop strings. Server backends map the fields they have (Ollama
 * `options.temperature/top_p/top_k/repeat_penalty/num_predict/seed/stop`,
 * llama.cpp `temperature/top_p/top_k/repeat_penalty/n_predict/seed/stop`,
 * OpenAI `temperature/top_p/max_tokens/seed/stop`; vLLM also reads top_k and
 * repetition_penalty) and ignore the engine-only ones (tokenHealing,
 * speculative, ignoreEos). `stopAtSentenceEnd` is applied on our side to
 * every backend's text with the engine's own rule (lib/engine/sentence-end).
 */
export type CompletionOptions = SamplingOptions & {
  /** Stop when any of these strings is generated (not included in the text). */
  stop?: string[];
};

export interface CompletionRequest {
  /** Text before the caret (or the whole prompt); sent raw, no chat template. */
  prompt: string;
  /**
   * Text after the caret. Sent only where the backend has infill
   * (`capabilities().infill`: llama.cpp `/infill`, Ollama `suffix` on models
   * with the "insert" capability); elsewhere ignored.
   */
  suffix?: string;
  options: CompletionOptions;
  /**
   * Ask for this many most likely alternatives per generated token (0..20) in
   * addition to the chosen token's own log-probability. Undefined: no
   * log-probabilities requested. Servers without them simply send none.
   */
  topLogprobs?: number;
}

/** One generated token with its log-probability (natural log), where the server gives it. */
export interface TokenLogprob {
  /** The token's text as the server spells it ('' for a partial UTF-8 character). */
  text: string;
  logprob: number;
  /** The most likely tokens at this position (the chosen one usually among them), when asked for. */
  top?: ReadonlyArray<{ text: string; logprob: number }>;
}

export interface CompletionCallbacks {
  /** Text deltas; their concatenation equals the final `text`. */
  onDelta?: (delta: string) => void;
  /**
   * Each generated token's log-probability, in order, when the server sends
   * them (the bundled engine's `generate` does not). Return true to stop
   * there: the request is aborted and the result's stopReason is 'stopped'.
   */
  onToken?: (token: TokenLogprob) => boolean | void;
  /** Aborts the HTTP request (or the engine within one step); the result then has stopReason 'aborted'. */
  signal?: AbortSignal;
  /** Whose text this is (the page's origin): the bundled engine reuses a KV cache per key; servers ignore it. */
  cacheKey?: string;
}

/**
 * Why generation ended: the model's end of text, the token limit, a stop
 * string or the sentence end, the caller's onToken asking to stop, or the
 * caller's signal.
 */
export type CompletionStopReason = 'eos' | 'max_tokens' | 'stop' | 'sentence_end' | 'stopped' | 'aborted';

export interface CompletionResult {
  /** Only the generated text (what onDelta delivered). */
  text: string;
  /** Generated tokens as the server counted them; undefined when it does not say. */
  tokens?: number;
  stopReason: CompletionStopReason;
  /** Milliseconds from the call to the first delta (the whole time when no text came), and total. */
  timeToFirstTokenMs: number;
  totalMs: number;
  /** Whether per-token log-probabilities came with the text. */
  logprobs: boolean;
}

/** Log-probabilities of a text's own tokens, for bits per byte (`npm run eval`). */
export interface PromptScore {
  /** Sum of −log p over the scored tokens, in nats. */
  nllNats: number;
  /** Tokens scored (a server cannot score the very first token of a text: it has no context). */
  tokens: number;
  /** UTF-8 bytes of the scored text. */
  bytes: number;
}

export interface BackendCapabilities {
  /** Text after the caret is used. */
  infill: boolean;
  /** Generated tokens come with log-probabilities (so the confidence cut applies). */
  logprobs: boolean;
  /** `scorePrompt` works (bits per byte): the bundled engine, OpenAI-compatible servers with `echo`. */
  promptLogprobs: boolean;
  /** Distinct inline candidates one suggestion request can give (the bundled engine branches; servers: 1). */
  candidates: number;
}

export interface ModelInfo {
  /** What to put in ServerConfig.model. */
  name: string;
  /** Bytes on disk, where the server says (Ollama). */
  size?: number;
  /** e.g. Ollama's parameter_size "3.2B" and quantization "Q4_K_M". */
  details?: string;
}

/** What "test connection" shows: reachable, which model answered, how long a one-token completion took. */
export interface ConnectionReport {
  kind: BackendKind;
  /** The origin text is sent to; null for the bundled model (nothing leaves the machine). */
  origin: string | null;
  model: string;
  /** Whether the configured model is among the server's models (llama.cpp: always its one model). */
  modelListed: boolean;
  /** Round trip of a one-token completion of a short prompt, ms (includes loading the model when it was cold). */
  latencyMs: number;
  /** Server version where it says (Ollama /api/version, llama.cpp build_info). */
  serverVersion?: string;
  capabilities: BackendCapabilities;
}

/** One inline suggestion (lib/suggest's Suggestion, with confidence absent when the server gave no probabilities). */
export interface BackendSuggestion {
  /** Whole words to insert at the caret, each with its following space. */
  text: string;
  /** Joint probability of `text`; undefined when the server sends no log-probabilities (no confidence cut applied). */
  confidence?: number;
}

export interface BackendSuggestRequest {
  /** Text after the caret, for servers with infill. */
  suffix?: string;
  /** lib/suggest/inline-settings (maxWords, minConfidence, candidates); default DEFAULT_INLINE_SETTINGS. */
  settings?: InlineSettings;
  /** Candidates wanted (default settings.candidates); servers give at most capabilities.candidates. */
  count?: number;
  cacheKey?: string;
  signal?: AbortSignal;
  /** The ghost text so far, each time it grows by a word. */
  onUpdate?: (ghost: string) => void;
  /**
   * Latency budget: when the first word is not decided within this many ms the
   * request is aborted and nothing is shown (a late suggestion is a stale one).
   */
  budgetMs?: number;
}

export interface Backend {
  readonly kind: BackendKind;
  /** Where text goes: the server's origin, or null for the bundled model. */
  readonly origin: string | null;
  /** Model name (the bundled model: its directory name). */
  readonly model: string;
  /** What this backend can do; servers probe once (Ollama /api/show and /api/version, llama.cpp /health) and remember. */
  capabilities(signal?: AbortSignal): Promise<BackendCapabilities>;
  /** Streams one completion. Rejects with BackendError; an abort resolves with stopReason 'aborted'. */
  complete(request: CompletionRequest, callbacks?: CompletionCallbacks): Promise<CompletionResult>;
  /** Inline suggestions for the caret (the ghost text first); [] when nothing is confident enough or on abort. */
  suggest(textBeforeCaret: string, request?: BackendSuggestRequest): Promise<BackendSuggestion[]>;
  /** Log-probabilities of `text` itself; rejects with BackendError kind 'unsupported' where capabilities().promptLogprobs is false. */
  scorePrompt(text: string, signal?: AbortSignal): Promise<PromptScore>;
  /** The server's models (Ollama /api/tags, OpenAI /v1/models, llama.cpp its one model). */
  listModels(signal?: AbortSignal): Promise<ModelInfo[]>;
  /** Reachability, model and a measured latency; rejects with BackendError naming what to fix. */
  testConnection(signal?: AbortSignal): Promise<ConnectionReport>;
  /** Releases what the backend holds (the bundled engine; servers: nothing). */
  dispose(): Promise<void>;
}

/**
 * Every failure a person can act on has a kind; `message` says what to do.
 *  - unreachable: nothing answers at the URL (connection refused, DNS, offline).
 *  - forbidden-origin: Ollama answered 403 to the extension's Origin (OLLAMA_ORIGINS).
 *  - unauthorized: 401, or 403 to a request that carried a key: the key is missing or wrong.
 *  - model-not-found: the server does not have the model (Ollama: `ollama pull NAME`).
 *  - timeout: no answer, or the stream stalled, for ServerConfig.timeoutMs.
 *  - stream-cut: the connection closed before the server said it was done.
 *  - bad-response: not the protocol we expect (wrong kind, malformed line, 404 on the endpoint).
 *  - server-error: the server answered an error of its own (5xx, model still loading, bad parameter).
 *  - unsupported: asked for what this backend cannot do (prompt log-probabilities on Ollama).
 *  - invalid-url: the configured URL is not an http(s) URL, or a request would leave its origin.
 */
export type BackendErrorKind =
  | 'unreachable'
  | 'forbidden-origin'
  | 'unauthorized'
  | 'model-not-found'
  | 'timeout'
  | 'stream-cut'
  | 'bad-response'
  | 'server-error'
  | 'unsupported'
  | 'invalid-url';
