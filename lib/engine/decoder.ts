/**
 * One forward pass of the exported GPT-2 decoder with its KV cache. Feeds
 * input_ids / attention_mask / position_ids (when the graph has it) /
 * past_key_values.{i}.key|value / use_cache_branch (merged decoders), and
 * appends new_key_values.{i}.* to the cache (or keeps present.{i}.* as the
 * next call's past, for graphs without them). Prefill runs, which need only
 * the last position's logits, fetch last_logits when the graph has it.
 */
import { ort } from './onnx-runtime';
import type { ModelConfig } from './model-config';
import { ModelLoadError } from './model-source';

export interface ForwardResult {
  /** [seq, vocab] logits, or [1, vocab] for a `lastRowOnly` run; rows are views into the output tensor. */
  logits: Float32Array;
  seqLength: number;
  /** Row `i` as a view (no copy); after a `lastRowOnly` run only the last row (seqLength - 1) exists. */
  row(i: number): Float32Array;
  /** Releases the logits tensor. */
  dispose(): void;
}

/**
 * The KV cache of one sequence: per past tensor, [1, heads, length, headDim]
 * packed at the start of a buffer that has room to grow. Each step appends its
 * new positions in place (Decoder's `new_key_values` outputs), so a decoded
 * token allocates one position, not a copy of the whole cache.
 */
export class KvCache {
  private buffers: Float32Array[] = [];
  private heads = 0;
  private headDim = 0;
  length = 0;

  /** The past tensors: views of the buffers, valid until the cache next changes. */
  views(): ort.Tensor[] {
    const size = this.heads * this.length * this.headDim;
    const dims = [1, this.heads, this.length, this.headDim];
    return this.buffers.map((b) => new ort.Tensor('float32', b.subarray(0, size), dims));
  }

  /** Takes whole presents ([1, heads, length, headDim] each) as the cache, without copying. */
  replace(presents: Float32Array[], length: number, heads: number, headDim: number): void {
    this.buffers = presents;
    this.length = length;
    this.heads = heads;
    this.headDim = headDim;
  }

  /**
   * Appends `n` positions; `news[j]` is [1, heads, n, headDim] for past tensor j.
   * `maxLength` (the model's context) caps how far a buffer grows ahead.
   */
  append(news: Float32Array[], n: number, heads: number, headDim: number, maxLength = Infinity): void {
    const old = this.length;
    const total = old + n;
    if (old === 0) {
      this.heads = heads;
      this.headDim = headDim;
    }
    const d = headDim;
    this.buffers = news.map((add, j) => {
      let buf = this.buffers[j];
      const needed = heads * total * d;
      if (!buf || buf.length < needed) {
        // Doubling keeps regrowth (and its one-off garbage) to a few times per sequence.
        const grown = new Float32Array(Math.max(needed, Math.min(2 * (buf?.length ?? 0), heads * maxLength * d)));
        if (buf && old > 0) grown.set(buf.subarray(0, heads * old * d));
        buf = grown;
      }
      // Spread the heads out to their new stride, last head first so none is overwritten before it moves.
      for (let h = heads - 1; h > 0 && old > 0; h--) buf.copyWithin(h * total * d, h * old * d, (h + 1) * old * d);
      for (let h = 0; h < heads; h++) buf.set(add.subarray(h * n * d, (h + 1) * n * d), (h * total + old) * d);
      return buf;
    });
    this.length = total;
  }

  dispose(): void {
    this.buffers = [];
    this.length = 0;
  }

  /** Keeps the first `n` positions, in place; the buffers stay for the next appends (dispose() frees them). */
  truncate(n: number): void {
    if (n >= this.length) return;
    if (n <= 0) {
      this.length = 0;
      return;
    }
    const { heads, headDim: d, length: old } = this;
    for (const buf of this.buffers) {
      for (let h = 1; h < heads; h++) buf.copyWithin(h * n * d, h * old * d, h * old * d + n * d);
    }
    this.length = n;
  }
}

/** Which outputs carry the cache forward (see Decoder). */
export type KvOutputs = 'new' | 'present';

export class Decoder {
  private readonly pastNames: string[] = [];
  private readonly presentNames: string[] = [];
  private readonly newNames: string[] = [];
  private readonly hasPositionIds: boolean;
  private readonly isMerged: boolean;
  private readonly emptyPast: ort.Tensor;
  /** Outputs fetched from each run: onnxruntime-web copies each one out of WASM into a new array. */
  private readonly fetches: string[];
  private readonly lastRowFetches: string[] | null;
  readonly kvOutputs: KvOutputs;

  /**
   * @param kvOutputs 'new' (the default when the graph has new_key_values.*,
   * see model_creation's add_new_kv_outputs): fetch only this run's positions
   * and append them to the cache; 'present': fetch the whole presents.
   */
  constructor(
    readonly session: ort.InferenceSession,
    readonly config: ModelConfig,
    file: string,
    kvOutputs?: KvOutputs,
  ) {
    const inputs = new Set(session.inputNames);
    const outputs = new Set(session.outputNames);
    for (let i = 0; i < config.nLayer; i++) {
      for (const kind of ['key', 'value']) {
        this.pastNames.push(`past_key_values.${i}.${kind}`);
        this.presentNames.push(`present.${i}.${kind}`);
        this.newNames.push(`new_key_values.${i}.${kind}`);
      }
    }
    for (const name of ['input_ids', 'attention_mask', ...this.pastNames]) {
      if (!inputs.has(name)) throw new ModelLoadError(`model file ${file} has no input ${name}; export it with past key values for n_layer=${config.nLayer}`);
    }
    for (const name of ['logits', ...this.presentNames]) {
      if (!outputs.has(name)) throw new ModelLoadError(`model file ${file} has no output ${name}`);
    }
    const hasNew = this.newNames.every((n) => outputs.has(n));
    if (kvOutputs === 'new' && !hasNew) throw new ModelLoadError(`model file ${file} has no new_key_values outputs`);
    this.kvOutputs = kvOutputs ?? (hasNew ? 'new' : 'present');
    const kv = this.kvOutputs === 'new' ? this.newNames : this.presentNames;
    this.fetches = ['logits', ...kv];
    // last_logits (model_creation's add_last_logits_output): the LM head on the last position only.
    this.lastRowFetches = outputs.has('last_logits') ? ['last_logits', ...kv] : null;
    this.hasPositionIds = inputs.has('position_ids');
    this.isMerged = inputs.has('use_cache_branch');
    this.emptyPast = new ort.Tensor('float32', new Float32Array(0), [1, config.nHead, 0, config.headDim]);
  }

  /**
   * Runs `ids` after what `cache` holds and advances the cache. Pass a fresh
   * KvCache for a run without history (prefill, scoring windows).
   * `lastRowOnly`: the caller reads only the last row (prefill), so a graph with
   * last_logits returns just that row instead of copying out every position's
   * (8 MB for 256 tokens). That row is quantized on its own, so it may differ
   * from the full run's last row by int8 rounding.
   */
  async forward(ids: ArrayLike<number>, cache: KvCache, { lastRowOnly = false } = {}): Promise<ForwardResult> {
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
    const pastViews = past > 0 ? cache.views() : [];
    for (let j = 0; j < this.pastNames.length; j++) feeds[this.pastNames[j]] = past > 0 ? pastViews[j] : this.emptyPast;

    const lastOnly = lastRowOnly && s > 1 && this.lastRowFetches !== null;
    const fetches = lastOnly ? this.lastRowFetches! : this.fetches;
    const out = await this.session.run(feeds, fetches);
    const { nHead, headDim, nPositions } = this.config;
    const kv = fetches.slice(1).map((n) => out[n].data as Float32Array);
    // The feeds were copied into WASM when the run started, so the buffers they view may change now.
    if (this.kvOutputs === 'new') cache.append(kv, s, nHead, headDim, nPositions);
    else cache.replace(kv, past + s, nHead, headDim);

    const logitsTensor = out[fetches[0]];
    const logits = logitsTensor.data as Float32Array;
    const vocab = this.config.vocabSize;
    const rows = lastOnly ? 1 : s;
    if (logits.length !== rows * vocab) {
      throw new Error(`logits have ${logits.length} values, expected ${rows}×${vocab}; config.json does not match the model`);
    }
    return {
      logits,
      seqLength: s,
      row: (i) => {
        if (lastOnly && i !== s - 1) throw new RangeError(`row ${i}: this run returned only its last row (${s - 1})`);
        const r = lastOnly ? 0 : i;
        return logits.subarray(r * vocab, (r + 1) * vocab);
      },
      dispose: () => logitsTensor.dispose?.(),
    };
  }
}
