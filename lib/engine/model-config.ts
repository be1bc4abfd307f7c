/** The GPT-2 hyper-parameters the engine needs, read from config.json (GPT-2 key names). */
import { ModelLoadError } from './model-source';

export interface ModelConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  headDim: number;
  nPositions: number;
  vocabSize: number;
  eosTokenId: number;
}

export function parseModelConfig(config: any, generationConfig: any | null, location: string): ModelConfig {
  const need = (key: string, ...alts: string[]): number => {
    for (const k of [key, ...alts]) {
      const v = config?.[k];
      if (Number.isInteger(v) && v > 0) return v;
    }
    throw new ModelLoadError(`config.json in ${location} has no valid ${key}`);
  };
  const nLayer = need('n_layer', 'num_hidden_layers');
  const nHead = need('n_head', 'num_attention_heads');
  const nEmbd = need('n_embd', 'hidden_size');
  const nPositions = need('n_positions', 'n_ctx', 'max_position_embeddings');
  const vocabSize = need('vocab_size');
  if (nEmbd % nHead !== 0) throw new ModelLoadError(`config.json in ${location}: n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
  const eosRaw = generationConfig?.eos_token_id ?? config?.eos_token_id;
  const eos = Array.isArray(eosRaw) ? eosRaw[0] : eosRaw;
  if (!Number.isInteger(eos) || eos < 0 || eos >= vocabSize) {
    throw new ModelLoadError(`config.json in ${location} has no valid eos_token_id`);
  }
  return { nLayer, nHead, nEmbd, headDim: nEmbd / nHead, nPositions, vocabSize, eosTokenId: eos };
}
