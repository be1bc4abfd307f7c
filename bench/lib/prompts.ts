/**
 * Benchmark prompts: two different texts for each length, cut at token
 * boundaries so each encodes to exactly N tokens with the model's tokenizer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { Plan } from './measure';

export const TEXT = `We study the problem of learning representations for scientific text that transfer across tasks and domains. Existing approaches rely on large pretrained language models whose computational cost makes them impractical on commodity hardware, in particular inside a web browser. In this paper we propose a compact transformer decoder trained on abstracts of machine learning papers, together with an int8 quantization scheme that preserves perplexity within two percent of the full precision model. We show that careful engineering of the inference loop, including reuse of the key and value cache across requests, partial selection for nucleus sampling and a single prefill pass, reduces the latency of the first token by an order of magnitude. Experiments on three benchmarks demonstrate that our method outperforms strong baselines on next sentence prediction, citation recommendation and abstract completion, while using less than one tenth of the memory. We further analyze the effect of model depth, width and vocabulary size on the trade off between quality and speed, and find that the output projection dominates the cost of decoding for small models with large vocabularies. Our results suggest that useful writing assistance can run entirely on the client, without sending any text to a server. Finally, we discuss limitations of our evaluation, including the reliance on automatic metrics, the absence of a user study and the restriction to English, and outline directions for future work on multilingual models, retrieval augmentation and adaptive computation. Deep neural networks have achieved remarkable success in computer vision, speech recognition and natural language processing. However, their training requires large labeled datasets and substantial compute. We introduce a self supervised objective based on contrastive prediction of masked spans, and prove that under mild assumptions it recovers the latent structure of the data. Empirically, the learned features match supervised pretraining on image classification and exceed it on few shot transfer to medical imaging, remote sensing and document understanding. Ablation studies show that the choice of augmentation and the temperature of the contrastive loss are the most important hyperparameters, while the architecture of the projection head matters little. Code and pretrained models are publicly available.`;
/** The first of TEXT's two abstracts (written for the benchmark, not from the corpus): what the typing benchmarks type. */
export const FIRST_ABSTRACT = TEXT.slice(0, TEXT.indexOf(' Deep neural networks'));

/**
 * Openings of eight more abstracts (written for the benchmark, not from the
 * corpus) on different topics: decode speed over all of them, because a
 * runner that drafts tokens (ours) is faster on text whose continuation is
 * predictable, and two prompts are too few to average that out.
 */
const VARIED = [
  'Graph neural networks have emerged as a powerful tool for learning on relational data such as molecules and social networks.',
  'Reinforcement learning from human feedback has become the standard recipe for aligning large language models with the intent of their users.',
  'Diffusion models generate high quality images by learning to reverse a gradual noising process that is applied to the training data.',
  'Federated learning allows many clients to train a shared model without exchanging their private data with a central server.',
  'Estimating the uncertainty of predictions made by deep networks remains difficult, especially under distribution shift at test time.',
  'We present a benchmark for evaluating the robustness of speech recognition systems to background noise, accents and spontaneous speech.',
  'Sparse mixture of experts layers increase the capacity of transformers while keeping the cost of each forward pass nearly constant.',
  'Causal inference from observational data requires assumptions that are rarely testable, which limits the reliability of its conclusions.',
];

export function makePrompts(modelDir: string): { prompts16: [string, string]; prompts256: [string, string]; promptsVaried: string[] } {
  const json = (f: string) => JSON.parse(readFileSync(join(modelDir, f), 'utf8'));
  const tokenizer = new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json'));
  const encode = (t: string) => tokenizer.encode(t, { add_special_tokens: false }).ids;
  const cut = (text: string, n: number): string => {
    const ids = encode(text);
    if (ids.length < n) throw new Error(`benchmark text has only ${ids.length} tokens, need ${n}`);
    for (let k = n; k > n - 8; k--) {
      const t = tokenizer.decode(ids.slice(0, k), { skip_special_tokens: false });
      for (const cand of [t, t.trimEnd()]) if (encode(cand).length === n) return cand;
    }
    throw new Error(`could not cut the benchmark text at exactly ${n} tokens`);
  };
  const second = TEXT.slice(TEXT.indexOf('Deep neural networks')) + ' ' + TEXT;
  return { prompts16: [cut(TEXT, 16), cut(second, 16)], prompts256: [cut(TEXT, 256), cut(second, 256)], promptsVaried: VARIED.map((t) => cut(t, 16)) };
}

/** A model's benchmark plan (bench/lib/measure.ts): its prompts, 64 new tokens, `runs` timed runs per median. */
export function makePlan(modelDir: string, runs: number): Plan {
  return { ...makePrompts(modelDir), newTokens: 64, ttftRuns: runs, decodeRuns: runs };
}
