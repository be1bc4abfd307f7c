/**
 * The engine's public contract, shared by the Node CLIs, the tests, the
 * offscreen document and the benchmarks. Everything that reaches the model
 * goes through `Engine`.
 */

export interface SamplingOptions {
  /** Tokens to generate at most (1..512). */
  maxNewTokens: number;
  /** 0 = greedy; otherwise logits are divided by it (0..2). */
  temperature: number;
  /** Nucleus: keep the smallest set whose probability reaches p (0 < p <= 1; 1 = off). */
  topP: number;
  /** Keep the k most likely tokens (0 = off). */
  topK: number;
  /** CTRL-style penalty on tokens already in prompt or output (1 = off, 1..2). */
  repetitionPenalty: number;
  /** Stop after the first sentence end (". ", "? ", "! ", newline) in the completion. */
  stopAtSentenceEnd: boolean;
  /** Makes sampling reproducible. */
  seed?: number;
  /** Back off a half-typed last word / trailing space and constrain the first tokens (default on). */
  tokenHealing?: boolean;
  /** Never pick <|endoftext|> (its logit is masked), so exactly maxNewTokens are generated unless stopped otherwise; for benchmarks (default off). */
  ignoreEos?: boolean;
  /**
   * Draft up to 6 tokens by prompt lookup (the tokens that followed the last
   * earlier occurrence of the current 2–3-token suffix), else up to 8 from the
   * model's n-gram draft table, and check them in one forward run: each row is
   * picked (argmax or sampled, with the same random draws) exactly as the
   * one-token step would, and drafts count only while they equal the picks.
   * The output is the same as without it, up to the int8 model's per-run
   * activation quantization (default on).
   */
  speculative?: boolean;
}

export interface GenerateCallbacks {
  /** Receives text deltas; their concatenation equals the final `text`. */
  onDelta?: (delta: string) => void;
  /** Stops generation within one step. */
  signal?: AbortSignal;
  /**
   * Whose text this is (the extension passes the page's origin). The prefix
   * cache is only reused between calls with the same key, so one owner's
   * timing never depends on another's text. Default: one shared key, for
   * single-user callers (CLIs, benchmarks).
   */
  cacheKey?: string;
}

/** Drafting counters of one call: forward runs that carried a draft, drafted and accepted tokens, runs whose draft came from the table. */
export interface SpeculationStats {
  runs: number;
  drafted: number;
  accepted: number;
  tableRuns: number;
}

export type StopReason = 'eos' | 'max_tokens' | 'sentence_end' | 'aborted';

export interface GenerationResult {
  /** Only the text that follows the user's prompt. */
  text: string;
  tokens: number;
  stopReason: StopReason;
  /** Milliseconds from call to first delta, and total. */
  timeToFirstTokenMs: number;
  totalMs: number;
  /** Tokens of context the model saw (after truncation and healing). */
  promptTokens?: number;
  /** Of those, how many came from the previous call's KV cache instead of being prefilled again. */
  reusedPromptTokens?: number;
  speculation?: SpeculationStats;
}

/** Engine.continuations: the `branches` most likely first tokens, each continued greedily. */
export interface ContinuationOptions {
  /** How many first tokens to branch on (1..8); branch 0 is the greedy one. */
  branches: number;
  /** Tokens per branch at most. */
  maxNewTokens: number;
  /** As in SamplingOptions (default on); probabilities are then over the tokens the healing allows. */
  tokenHealing?: boolean;
}

/** One generated token of one branch. */
export interface ContinuationToken {
  branch: number;
  id: number;
  /** Its visible text: healed prompt bytes removed; '' while a UTF-8 character is incomplete or at the end. */
  text: string;
  /** Its probability given the prompt and the branch so far (softmax of the raw logits). */
  probability: number;
  /**
   * Probability that the token at this step starts with whitespace, whichever
   * token that is (same softmax): how sure the model is that the word before
   * ended here.
   */
  spaceProbability: number;
  /** True for <|endoftext|>: the branch ends here and `text` is ''. */
  end: boolean;
}

export interface ContinuationCallbacks {
  /** Called for every token in order, branch by branch; return true to end that branch there. */
  onToken: (token: ContinuationToken) => boolean | void;
  /** Stops within one step; later branches are not started. */
  signal?: AbortSignal;
  /** As in GenerateCallbacks: whose prefix cache to reuse. */
  cacheKey?: string;
}

export interface ContinuationResult {
  promptTokens: number;
  /** Prompt tokens taken from the previous call's KV cache (up to the first differing token). */
  reusedPromptTokens: number;
  /** Tokens generated over all branches. */
  tokens: number;
  aborted: boolean;
  totalMs: number;
}

export interface ScoreResult {
  /** Total negative log-likelihood in nats over all predicted tokens of the text. */
  nllNats: number;
  tokens: number;
  /** UTF-8 bytes of the text. */
  bytes: number;
}

export interface EngineInfo {
  name: string;
  contextLength: number;
  vocabSize: number;
  threads: number;
  /** Which ONNX file was loaded, e.g. "onnx/model_quantized.onnx". */
  modelFile: string;
  modelBytes: number;
  /** Entries of the loaded n-gram draft table (0: none). */
  draftTableEntries: number;
  /** Problems that did not stop loading, e.g. an unusable draft table. */
  warnings: readonly string[];
}

export interface Engine {
  readonly info: EngineInfo;
  generate(prompt: string, options: SamplingOptions, callbacks?: GenerateCallbacks): Promise<GenerationResult>;
  score(text: string): Promise<ScoreResult>;
  /** Greedy branches with per-token probabilities, for typing suggestions (lib/suggest). */
  continuations(prompt: string, options: ContinuationOptions, callbacks: ContinuationCallbacks): Promise<ContinuationResult>;
  dispose(): Promise<void>;
}

/**
 * Where a model directory lives: a base URL (`chrome-extension://…/models/x/`,
 * `https://…/`, `file:///…/`) or, in Node, a filesystem path. The directory has
 * the transformers.js/Optimum layout: config.json, generation_config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx and/or
 * onnx/model.onnx (or onnx/decoder_model_merged[_quantized].onnx).
 */
export type ModelSource = string;

export interface LoadOptions {
  /** WASM threads; defaults to 1, or min(4, hardwareConcurrency) when cross-origin isolated. */
  threads?: number;
  /** Where onnxruntime-web's .wasm/.mjs files are served from (extension: `/ort/`). */
  wasmPaths?: string;
  /** 'quantized' (default) loads model_quantized.onnx when present; 'fp32' loads model.onnx. */
  precision?: 'quantized' | 'fp32';
  /** Display name for EngineInfo; defaults to the directory's name. */
  name?: string;
  /**
   * Keep the last generation's KV cache per cache key (GenerateCallbacks.cacheKey)
   * and reuse it when that key's next prompt extends its previous prompt +
   * completion (default true).
   */
  prefixCache?: boolean;
  /** How many cache keys keep a prefix cache at once, least recently used dropped first (default 2). */
  prefixCacheSlots?: number;
  /**
   * Prompts are prefilled in runs of this many tokens aligned to absolute positions
   * (so a reused cache is bit-identical to a fresh prefill); default 128.
   */
  prefillChunk?: number;
  /** Run two tiny forward passes at load so the first request is as fast as later ones (default true). */
  warmUp?: boolean;
  /**
   * Load the model directory's draft-ngrams.bin, if it has one, for speculative
   * greedy decoding (default true). Missing or unusable, the engine works without it.
   */
  draftTable?: boolean;
}
