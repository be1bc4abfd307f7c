/**
 * transformers.js loads the bundled model directory unmodified (config.json,
 * tokenizer.json, onnx/model_quantized.onnx via dtype 'q8') and its greedy
 * continuation equals our engine's. transformers.js runs on its Node default
 * (native onnxruntime-node), ours on onnxruntime-web (WASM).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../lib/engine';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'models');
const NAME = 'abstract-gpt';
const NEW_TOKENS = 24;
const PROMPTS = ['We propose a novel method for', 'In this paper, we study the convergence of stochastic gradient descent', 'Transformers'];

describe('transformers.js and our engine on the bundled model', () => {
  let ours: Engine;
  let generator: any;
  beforeAll(async () => {
    const { env, pipeline } = await import('../bench/transformersjs/index.js');
    env.allowRemoteModels = false;
    env.localModelPath = MODELS + '/';
    generator = await pipeline('text-generation', NAME, { dtype: 'q8', device: 'cpu' } as any);
    ours = await loadEngine(join(MODELS, NAME));
  }, 60_000);
  afterAll(async () => {
    await ours?.dispose();
    await generator?.dispose?.();
  });

  it('loads the same files: q8 = onnx/model_quantized.onnx', () => {
    expect(ours.info.modelFile).toBe('onnx/model_quantized.onnx');
    const config = JSON.parse(readFileSync(join(MODELS, NAME, 'config.json'), 'utf8'));
    expect(generator.model.config.vocab_size).toBe(config.vocab_size);
  });

  it.each(PROMPTS)('gives the same greedy continuation for %j', async (prompt) => {
    const [{ generated_text: theirs }] = await generator(prompt, { max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: false, return_full_text: false });
    const mine = await ours.generate(prompt, {
      maxNewTokens: NEW_TOKENS,
      temperature: 0,
      topK: 0,
      topP: 1,
      repetitionPenalty: 1,
      stopAtSentenceEnd: false,
      tokenHealing: false,
      ignoreEos: true,
    });
    expect(mine.tokens).toBe(NEW_TOKENS);
    expect(mine.text).toBe(theirs);
  });
});
