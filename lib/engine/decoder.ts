/**
 * One forward pass of the exported GPT-2 decoder with its KV cache. Feeds
 * input_ids / attention_mask / position_ids (when the graph has it) /
 * past_key_values.{i}.key|value / use_cache_branch (merged decoders), and
 * keeps present.{i}.* as the next call's past.
 */
import { ort } from './onnx-runtime';
import type { ModelConfig } from './model-config';
import { ModelLoadError } from './model-source';

export interface ForwardResult {
  /** [seq, vocab] logits; rows are views into the output tensor. */
  logits: Float32Array;
  seqLength: number;
  /** Row `i` as a view (no copy). */
  row(i: number): Float32Array;
  /** Releases the logits tensor. */
  dispose(): void;
}

/** The KV cache of one sequence. */
export class KvCache {
  past: ort.Tensor[] = [];
  length = 0;

  dispose(): void {
    for (const t of this.past) t.dispose?.();
    this.past = [];
    this.length = 0;
  }

  /** Keeps the first `n` positions (copies each [1, heads, length, headDim] tensor's first n rows per head). */
  truncate(n: number): void {
    if (n >= this.length) return;
    if (n <= 0) return this.dispose();
    this.past = this.past.map((t) => {
      const [b, h, len, d] = t.dims as number[];
      const src = t.data as Float32Array;
      const dst = new Float32Array(b * h * n * d);
      for (let i = 0; i < b * h; i++) dst.set(src.subarray(i * len * d, i * len * d + n * d), i * n * d);
      t.dispose?.();
      return new ort.Tensor('float32', dst, [b, h, n, d]);
    });
    this.length = n;
  }
}

export class Decoder {
  private readonly pastNames: string[] = [];
  private readonly presentNames: string[] = [];
  private readonly hasPositionIds: boolean;
  private readonly isMerged: boolean;
  private readonly emptyPast: ort.Tensor;

  constructor(
    readonly session: ort.InferenceSession,
    readonly config: ModelConfig,
    file: string,
  ) {
    const inputs = new Set(session.inputNames);
    const outputs = new Set(session.outputNames);
    for (let i = 0; i < config.nLayer; i++) {
      for (const kind of ['key', 'value']) {
        this.pastNames.push(`past_key_values.${i}.${kind}`);
        this.presentNames.push(`present.${i}.${kind}`);
      }
    }
    for (const name of ['input_ids', 'attention_mask', ...this.pastNames]) {
      if (!inputs.has(name)) throw new ModelLoadError(`model file ${file} has no input ${name}; export it with past key values for n_layer=${config.nLayer}`);
    }
    for (const name of ['logits', ...this.presentNames]) {
      if (!outputs.has(name)) throw new ModelLoadError(`model file ${file} has no output ${name}`);
    }
    this.hasPositionIds = inputs.has('position_ids');
    this.isMerged = inputs.has('use_cache_branch');
    this.emptyPast = new ort.Tensor('float32', new Float32Array(0), [1, config.nHead, 0, config.headDim]);
  }

  /**
   * Runs `ids` after what `cache` holds and advances the cache. Pass a fresh
   * KvCache for a run without history (prefill, scoring windows).
   */
  async forward(ids: ArrayLike<number>, cache: KvCache): Promise<ForwardResult> {
    const s = ids.length;
    const past = cache.length;
    const inputIds = new BigInt64Array(s);
    const positions = new BigInt64Array(s);
    for (let i = 0; i < s; i++) {
      inputIds[i] = BigInt(ids[i]);
      positions[i] = BigInt(past + i);
    }
    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', inputIds, [1, s]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(past + s).fill(1n), [1, past + s]),
    };
    if (this.hasPositionIds) feeds.position_ids = new ort.Tensor('int64', positions, [1, s]);
    if (this.isMerged) feeds.use_cache_branch = new ort.Tensor('bool', new Uint8Array([past > 0 ? 1 : 0]), [1]);
    for (let j = 0; j < this.pastNames.length; j++) feeds[this.pastNames[j]] = past > 0 ? cache.past[j] : this.emptyPast;

    const out = await this.session.run(feeds);
    // The old past is no longer needed once the presents (which contain it) exist.
    if (past > 0) for (const t of cache.past) t.dispose?.();
    cache.past = this.presentNames.map((n) => out[n]);
    cache.length = past + s;

    const logitsTensor = out.logits;
    const logits = logitsTensor.data as Float32Array;
    const vocab = this.config.vocabSize;
    if (logits.length !== s * vocab) {
      throw new Error(`logits have ${logits.length} values, expected ${s}×${vocab}; config.json does not match the model`);
    }
    return {
      logits,
      seqLength: s,
      row: (i) => logits.subarray(i * vocab, (i + 1) * vocab),
      dispose: () => logitsTensor.dispose?.(),
    };
  }
}
