/**
 * The floor: onnxruntime-web with the same model file and session options as
 * the engine, a KV cache and argmax, nothing else (no streaming text, no
 * sampler, no validation). Tokenization is included because every runner's
 * TTFT includes it.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { Runner } from './measure';

type Ort = typeof import('onnxruntime-web/wasm');

export interface RawLoopOptions {
  ort: Ort;
  modelBytes: Uint8Array;
  nLayer: number;
  nHead: number;
  headDim: number;
  vocabSize: number;
  eosTokenId: number;
  encode: (text: string) => number[];
  sessionOptions: object;
}

export function createRawRunner(o: RawLoopOptions): Runner {
  const { ort } = o;
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  let hasPositions = false;
  let keepsLogitRows = false;
  const pastNames: string[] = [];
  const presentNames: string[] = [];
  for (let i = 0; i < o.nLayer; i++) {
    for (const k of ['key', 'value']) {
      pastNames.push(`past_key_values.${i}.${k}`);
      presentNames.push(`present.${i}.${k}`);
    }
  }
  return {
    async load() {
      session = await ort.InferenceSession.create(o.modelBytes, { ...o.sessionOptions } as any);
      hasPositions = session.inputNames.includes('position_ids');
      keepsLogitRows = session.inputNames.includes('num_logits_to_keep');
    },
    async generate(prompt, newTokens) {
      let ids = o.encode(prompt);
      let past: any[] | null = null;
      let length = 0;
      const empty = new ort.Tensor('float32', new Float32Array(0), [1, o.nHead, 0, o.headDim]);
      for (let step = 0; step < newTokens; step++) {
        const s = ids.length;
        const feeds: Record<string, any> = {
          input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, s]),
          attention_mask: new ort.Tensor('int64', new BigInt64Array(length + s).fill(1n), [1, length + s]),
        };
        if (hasPositions) feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from({ length: s }, (_, i) => BigInt(length + i)), [1, s]);
        for (let j = 0; j < pastNames.length; j++) feeds[pastNames[j]] = past ? past[j] : empty;
        // Only the last row is read: the LM head runs on it alone, as in the engine and transformers.js's generate.
        if (keepsLogitRows) feeds.num_logits_to_keep = new ort.Tensor('int64', new BigInt64Array([1n]), []);
        const out = await session.run(feeds);
        if (past) for (const t of past) t.dispose();
        past = presentNames.map((n) => out[n]);
        length += s;
        const logits = out.logits.data as Float32Array;
        const base = (out.logits.dims[1] - 1) * o.vocabSize;
        let best = 0;
        let bestValue = -Infinity;
        for (let v = 0; v < o.vocabSize; v++) {
          const x = logits[base + v];
          if (x > bestValue && v !== o.eosTokenId) {
            bestValue = x;
            best = v;
          }
        }
        out.logits.dispose();
        ids = [best];
      }
      if (past) for (const t of past) t.dispose();
      return { tokens: newTokens };
    },
  };
}

/** Where the raw runner's files come from and how ORT is set up for it. */
export interface RawRunnerSetup {
  /** Reads a file of the model directory (Node: readFile; a page: fetch). */
  read: (file: string) => Promise<Uint8Array>;
  sessionOptions: object;
  /** ORT's WASM threads and file location; left as they are when not given (ORT already started). */
  threads?: number;
  wasmPaths?: string;
}

/**
 * The raw runner for a model directory: `load()` sets up ORT and reads config,
 * tokenizer and the int8 ONNX file, so cold start counts all of it.
 */
export function rawRunner(ort: Ort, setup: RawRunnerSetup): Runner {
  let inner: Runner;
  return {
    async load() {
      if (setup.threads !== undefined) ort.env.wasm.numThreads = setup.threads;
      if (setup.wasmPaths !== undefined) ort.env.wasm.wasmPaths = setup.wasmPaths;
      ort.env.wasm.proxy = false;
      const json = async (f: string) => JSON.parse(new TextDecoder().decode(await setup.read(f)));
      const [config, tokenizerJson, tokenizerConfig, modelBytes] = await Promise.all([
        json('config.json'),
        json('tokenizer.json'),
        json('tokenizer_config.json'),
        setup.read('onnx/model_quantized.onnx'),
      ]);
      const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
      inner = createRawRunner({
        ort,
        modelBytes,
        nLayer: config.n_layer,
        nHead: config.n_head,
        headDim: config.n_embd / config.n_head,
        vocabSize: config.vocab_size,
        eosTokenId: config.eos_token_id,
        encode: (t) => tokenizer.encode(t, { add_special_tokens: false }).ids,
        sessionOptions: setup.sessionOptions,
      });
      await inner.load();
    },
    generate: (p, n) => inner.generate(p, n),
    describe: () => ({ threads_used: ort.env.wasm.numThreads }),
  };
}
