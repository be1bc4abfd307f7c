/**
 * Negative log-likelihood of a text under the model, for evaluation
 * (bits per byte). Long texts are scored in sliding windows so every token is
 * predicted once, with at least half a window of context.
 */
import type { ScoreResult } from './types';
import { Decoder, KvCache } from './decoder';
import { scoringWindows } from './context-window';

export async function scoreText(
  decoder: Decoder,
  encode: (text: string) => number[],
  eosTokenId: number,
  nPositions: number,
  text: string,
): Promise<ScoreResult> {
  const bytes = new TextEncoder().encode(text).length;
  const ids = encode(text);
  // <|endoftext|> goes first as pure context, so the text's first token is
  // predicted (from a document start, as in training) and scored too.
  const seq = [eosTokenId, ...ids];
  const stride = Math.max(1, Math.floor(nPositions / 2));
  let nll = 0;
  for (const w of scoringWindows(seq.length, nPositions, stride)) {
    const cache = new KvCache();
    const out = await decoder.forward(seq.slice(w.begin, w.end), cache);
    try {
      for (let t = w.firstTarget; t < w.end; t++) nll += tokenNll(out.row(t - 1 - w.begin), seq[t]);
    } finally {
      out.dispose();
      cache.dispose();
    }
  }
  return { nllNats: nll, tokens: ids.length, bytes };
}

/** -log softmax(row)[target], computed stably in float64. */
export function tokenNll(row: Float32Array, target: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let z = 0;
  for (let i = 0; i < row.length; i++) z += Math.exp(row[i] - max);
  return Math.log(z) + max - row[target];
}
