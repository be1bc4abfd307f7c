/** Paths to the fixtures made by model_creation/make_fixtures.py, and the real tokenizer built from them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';
import { buildTokenBytes, type TokenBytes } from '../../lib/engine/token-bytes';

export const TINY = fileURLToPath(new URL('../fixtures/tiny-gpt2', import.meta.url));
export const TINY_MERGED = fileURLToPath(new URL('../fixtures/tiny-gpt2-merged', import.meta.url));

export interface FixtureTokenizer {
  tokenizer: Tokenizer;
  table: TokenBytes;
  encode(text: string): number[];
  eos: number;
}

export function loadFixtureTokenizer(dir = TINY): FixtureTokenizer {
  const json = JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8'));
  const config = JSON.parse(readFileSync(`${dir}/tokenizer_config.json`, 'utf8'));
  const modelConfig = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8'));
  const tokenizer = new Tokenizer(json, config);
  return {
    tokenizer,
    table: buildTokenBytes(tokenizer, json, modelConfig.vocab_size),
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    eos: modelConfig.eos_token_id,
  };
}

export function readReference(dir = TINY): any {
  return JSON.parse(readFileSync(`${dir}/reference.json`, 'utf8'));
}

/** A Decoder on a fixture's ONNX file, for tests that look below the Engine (logits, cache). */
export async function openDecoder(dir: string, file: string, kvOutputs?: import('../../lib/engine/decoder').KvOutputs) {
  const { readFile } = await import('node:fs/promises');
  const { parseModelConfig } = await import('../../lib/engine/model-config');
  const { createSession, configureRuntime } = await import('../../lib/engine/onnx-runtime');
  const { Decoder } = await import('../../lib/engine/decoder');
  const config = parseModelConfig(JSON.parse(await readFile(`${dir}/config.json`, 'utf8')), null, dir);
  await configureRuntime({});
  const { session } = await createSession(new Uint8Array(await readFile(`${dir}/${file}`)), file);
  return { decoder: new Decoder(session, config, file, kvOutputs), config, session };
}

export const GREEDY = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, stopAtSentenceEnd: false, tokenHealing: false } as const;

/** Sums the drafting counters of the calls a test made (each GenerationResult carries its own). */
export function tally() {
  const sum = { runs: 0, drafted: 0, accepted: 0, tableRuns: 0 };
  const add = <T extends { speculation?: typeof sum }>(result: T): T => {
    for (const k of Object.keys(sum) as Array<keyof typeof sum>) sum[k] += result.speculation?.[k] ?? 0;
    return result;
  };
  return { sum, add };
}
