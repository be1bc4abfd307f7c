/**
 * Bits-per-byte scoring through transformers.js on its Node default, native
 * onnxruntime-node, with the engine's protocol (lib/engine/scorer.ts): the
 * text after <|endoftext|>, the same sliding windows, the same per-token NLL.
 * Native int8 kernels differ per CPU (VNNI, AVX2, ARM), where our WASM engine
 * computes alike everywhere; `npm run eval -- --runtime transformersjs` and
 * the parity test use this to see the model as transformers.js users get it.
 */
import { basename, dirname, resolve } from 'node:path';
import type { ScoreResult } from '../../lib/engine/types';
import { scoringWindows } from '../../lib/engine/context-window';
import { tokenNll } from '../../lib/engine/scorer';

export interface Scorer {
  modelFile: string;
  score(text: string): Promise<ScoreResult>;
  dispose(): Promise<void>;
}

export async function transformersjsScorer(dir: string, precision: 'quantized' | 'fp32', threads: number | undefined): Promise<Scorer> {
  const { env, AutoTokenizer, AutoModelForCausalLM, Tensor } = await import('../transformersjs/index.js');
  env.allowRemoteModels = false;
  env.localModelPath = dirname(resolve(dir)) + '/';
  const name = basename(resolve(dir));
  const dtype = precision === 'fp32' ? 'fp32' : 'q8';
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const model = await AutoModelForCausalLM.from_pretrained(name, {
    dtype,
    device: 'cpu',
    session_options: { intraOpNumThreads: threads ?? 1, interOpNumThreads: 1 },
  } as any);
  const { eos_token_id: eos, n_positions: nPositions } = model.config as any;
  const int64 = (xs: number[]) => new Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
  return {
    modelFile: dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
    async score(text) {
      const ids: number[] = tokenizer.encode(text, { add_special_tokens: false });
      const seq = [eos, ...ids];
      let nll = 0;
      for (const w of scoringWindows(seq.length, nPositions, Math.max(1, Math.floor(nPositions / 2)))) {
        const window = seq.slice(w.begin, w.end);
        const { logits } = await model({ input_ids: int64(window), attention_mask: int64(window.map(() => 1)) });
        const vocab = logits.dims[2];
        for (let t = w.firstTarget; t < w.end; t++) {
          const row = t - 1 - w.begin;
          nll += tokenNll(logits.data.subarray(row * vocab, (row + 1) * vocab), seq[t]);
        }
      }
      return { nllNats: nll, tokens: ids.length, bytes: new TextEncoder().encode(text).length };
    },
    dispose: async () => {
      await model.dispose();
    },
  };
}
