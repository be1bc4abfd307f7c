/**
 * One forward pass of the exported GPT-2 decoder with its KV cache. Feeds
 * input_ids / attention_mask / position_ids (when the graph has it) /
 * past_key_values.{i}.key|value / use_cache_branch (merged decoders) /
 * num_logits_to_keep (when the graph has it: the LM head runs on only the rows
 * the caller reads), and appends new_key_values.{i}.* to the cache (or keeps
 * present.{i}.* as the next call's past, for graphs without them).
 */
import { ort } from './onnx-runtime';
import type { ModelConfig } from './model-config';
import { ModelLoadError } from './model-source';

export interface ForwardResult {
  /** [rows, vocab]: the logits of the last `rows` positions of the run; rows are views into the output tensor. */
  logits: Float32Array;
  seqLength: number;
  /** How many of the last positions have logits: all (seqLength), or fewer when the run asked for fewer. */
  rows: number;
  /** Position `i`'s row as a view (no copy); only positions seqLength - rows … seqLength - 1 exist. */
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
  /** The graph has num_logits_to_keep (model_creation's add_logits_to_keep_input). */
  readonly keepsLogitRows: boolean;
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
    this.keepsLogitRows = inputs.has('num_logits_to_keep');
    this.hasPositionIds = inputs.has('position_ids');
    this.isMerged = inputs.has('use_cache_branch');
    this.emptyPast = new ort.Tensor('float32', new Float32Array(0), [1, config.nHead, 0, config.headDim]);
  }

  /**
   * Runs `ids` after what `cache` holds and advances the cache. Pass a fresh
   * KvCache for a run without history (prefill, scoring windows).
   * `rows`: how many of the last positions the caller reads (prefill: 1;
   * default: all). A graph with num_logits_to_keep then computes the LM head
   * (d × vocab per row) on those rows only and returns only them, instead of
   * computing and copying out every position's (8 MB for 256 tokens). The int8
   * model quantizes the head's input per run, so a kept row may differ from the
   * same row of an all-rows run by int8 rounding. Other graphs return all rows.
   */
  async forward(ids: ArrayLike<number>, cache: KvCache, { rows: wanted = Infinity } = {}): Promise<ForwardResult> {
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
    const rows = this.keepsLogitRows ? Math.max(1, Math.min(s, wanted)) : s;
    // 0 = every row, as transformers.js feeds it for a full forward pass.
    if (this.keepsLogitRows) feeds.num_logits_to_keep = new ort.Tensor('int64', new BigInt64Array([rows < s ? BigInt(rows) : 0n]), []);
    const pastViews = past > 0 ? cache.views() : [];
    for (let j = 0; j < this.pastNames.length; j++) feeds[this.pastNames[j]] = past > 0 ? pastViews[j] : this.emptyPast;

    const out = await this.session.run(feeds, this.fetches);
    const { nHead, headDim, nPositions } = this.config;
    const kv = this.fetches.slice(1).map((n) => out[n].data as Float32Array);
    // The feeds were copied into WASM when the run started, so the buffers they view may change now.
    if (this.kvOutputs === 'new') cache.append(kv, s, nHead, headDim, nPositions);
    else cache.replace(kv, past + s, nHead, headDim);

    const logitsTensor = out.logits;
    const logits = logitsTensor.data as Float32Array;
    const vocab = this.config.vocabSize;
    if (logits.length !== rows * vocab) {
      throw new Error(`logits have ${logits.length} values, expected ${rows}×${vocab}; config.json does not match the model`);
    }
    const first = s - rows;
    return {
      logits,
      seqLength: s,
      rows,
      row: (i) => {
        if (i < first || i >= s) throw new RangeError(`row ${i}: this run returned rows ${first}…${s - 1}`);
        return logits.subarray((i - first) * vocab, (i - first + 1) * vocab);
      },
      dispose: () => logitsTensor.dispose?.(),
    };
  }
}
