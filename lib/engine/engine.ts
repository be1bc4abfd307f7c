/**
 * loadEngine: reads a model directory (config, tokenizer, ONNX file), starts
 * onnxruntime-web and returns an Engine. Calls on one engine run one at a
 * time, because an ORT session and the sampler's buffers are not reentrant.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { ContinuationCallbacks, ContinuationOptions, ContinuationResult, Engine, EngineInfo, GenerateCallbacks, GenerationResult, LoadOptions, ModelSource, SamplingOptions, ScoreResult } from './types';
import { openModelSource, readJson, ModelLoadError, type ModelFiles } from './model-source';
import { parseModelConfig } from './model-config';
import { configureRuntime, createSession } from './onnx-runtime';
import { Decoder, KvCache } from './decoder';
import { TokenSampler } from './sampler';
import { buildTokenBytes, spaceStartMask } from './token-bytes';
import { generateText } from './generator';
import type { GeneratorParts } from './generator-parts';
import { DEFAULT_PREFILL_CHUNK } from './prefill';
import { PrefixCaches } from './prefix-cache';
import { scoreText } from './scorer';
import { generateContinuations } from './continuations';
import { parseSamplingOptions } from './sampling-options';
import { DraftTable } from './draft-table';

const DRAFT_TABLE_FILE = 'draft-ngrams.bin';
const MODEL_FILES = {
  quantized: ['onnx/model_quantized.onnx', 'onnx/decoder_model_merged_quantized.onnx', 'onnx/model.onnx', 'onnx/decoder_model_merged.onnx'],
  fp32: ['onnx/model.onnx', 'onnx/decoder_model_merged.onnx'],
} as const;

export async function loadEngine(source: ModelSource, options: LoadOptions = {}): Promise<Engine> {
  const precision = options.precision ?? 'quantized';
  const chunk = options.prefillChunk ?? DEFAULT_PREFILL_CHUNK;
  if (!Number.isInteger(chunk) || chunk < 1) throw new ModelLoadError(`prefillChunk must be a whole number of 1 or more, got ${chunk}`);
  if (precision !== 'quantized' && precision !== 'fp32') throw new ModelLoadError(`precision must be "quantized" or "fp32", got ${String(precision)}`);
  const files = await openModelSource(source);
  const configJson = await readJson(files, 'config.json');
  if (!configJson) throw new ModelLoadError(`model not found at ${files.location} (no config.json)`);
  const config = parseModelConfig(configJson, await readJson(files, 'generation_config.json'), files.location);

  const tokenizerJson = await readJson(files, 'tokenizer.json');
  if (!tokenizerJson) throw new ModelLoadError(`tokenizer not found: ${files.location} has no tokenizer.json`);
  const tokenizerConfig = (await readJson(files, 'tokenizer_config.json')) ?? {};
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (e: any) {
    throw new ModelLoadError(`tokenizer.json in ${files.location} could not be loaded: ${String(e?.message ?? e).split('\n')[0]}`);
  }

  const { file, bytes } = await readModelFile(files, MODEL_FILES[precision]);
  await configureRuntime({ threads: options.threads, wasmPaths: options.wasmPaths });
  const { session, threads } = await createSession(bytes, file);
  const decoder = new Decoder(session, config, file);
  if (options.warmUp !== false) {
    // ORT sizes its arenas and prepares kernels on the first runs: do it now, for the prefill and the cached path.
    const warm = new KvCache();
    (await decoder.forward([config.eosTokenId, config.eosTokenId], warm)).dispose();
    (await decoder.forward([config.eosTokenId], warm)).dispose();
    warm.dispose();
  }

  const warnings: string[] = [];
  let draftTable: DraftTable | undefined;
  if (options.draftTable !== false) {
    // A speed aid only: without it (or with a bad one) completions are the same, just slower.
    try {
      const draftBytes = await files.read(DRAFT_TABLE_FILE);
      if (draftBytes) draftTable = DraftTable.parse(draftBytes, config.vocabSize);
    } catch (e: any) {
      warnings.push(`${DRAFT_TABLE_FILE} ignored: ${String(e?.message ?? e)}`);
    }
  }

  const table = buildTokenBytes(tokenizer, tokenizerJson, config.vocabSize);
  let largestBucket = 0;
  for (let b = 0; b < 256; b++) largestBucket = Math.max(largestBucket, table.idsStartingWith(b).length);
  const parts: GeneratorParts = {
    decoder,
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    table,
    sampler: new TokenSampler(config.vocabSize),
    healingPool: new Int32Array(largestBucket),
    spaceStarts: spaceStartMask(table),
    eosTokenId: config.eosTokenId,
    nPositions: config.nPositions,
    prefillChunk: chunk,
    prefixes: options.prefixCache === false ? undefined : new PrefixCaches(chunk, options.prefixCacheSlots),
    draftTable,
  };
  const info: EngineInfo = Object.freeze({
    name: options.name ?? files.dirName,
    contextLength: config.nPositions,
    vocabSize: config.vocabSize,
    threads,
    modelFile: file,
    modelBytes: bytes.byteLength,
    draftTableEntries: draftTable ? Object.values(draftTable.entries).reduce((a, b) => a + b, 0) : 0,
    warnings: Object.freeze(warnings),
  });
  return new OnnxEngine(info, parts, session);
}

async function readModelFile(files: ModelFiles, candidates: readonly string[]): Promise<{ file: string; bytes: Uint8Array }> {
  for (const file of candidates) {
    const bytes = await files.read(file);
    if (bytes) return { file, bytes };
  }
  throw new ModelLoadError(`no ONNX model in ${files.location} (looked for ${candidates.join(', ')})`);
}

class OnnxEngine implements Engine {
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly info: EngineInfo,
    private readonly parts: GeneratorParts,
    private readonly session: { release(): Promise<void> },
  ) {}

  async generate(prompt: string, options: SamplingOptions, callbacks?: GenerateCallbacks): Promise<GenerationResult> {
    const opts = parseSamplingOptions(options, this.info.vocabSize);
    return this.exclusive(() => generateText(this.parts, prompt, opts, callbacks));
  }

  async score(text: string): Promise<ScoreResult> {
    const p = this.parts;
    return this.exclusive(() => scoreText(p.decoder, p.encode, p.eosTokenId, p.nPositions, text));
  }

  async continuations(prompt: string, options: ContinuationOptions, callbacks: ContinuationCallbacks): Promise<ContinuationResult> {
    const { branches, maxNewTokens } = options;
    if (!Number.isInteger(branches) || branches < 1 || branches > 8) throw new Error(`branches must be a whole number from 1 to 8, got ${branches}`);
    if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1) throw new Error(`maxNewTokens must be a whole number of 1 or more, got ${maxNewTokens}`);
    return this.exclusive(() => generateContinuations(this.parts, prompt, options, callbacks));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue.catch(() => {});
    this.parts.prefixes?.clear();
    await this.session.release();
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('engine has been disposed'));
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }
}
