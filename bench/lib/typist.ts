/**
 * A reproducible human typist for the typing benchmark: the delay before
 * each character, drawn from a seeded PRNG so every run types with the same
 * rhythm. Human inter-key intervals are right-skewed (log-normal is the usual
 * fit), and people pause longer after a word and longer still after
 * punctuation; those pauses are where inline suggestions get their chance.
 * The intervals are scaled so their mean is exactly 1000 / charsPerSecond.
 */
import { mulberry32 } from '../../lib/engine/prng';

export interface TypistOptions {
  charsPerSecond: number;
  seed: number;
  /** Spread of the log-normal (sigma of the underlying normal). */
  sigma?: number;
  /** How much longer, on average, the key after a space is delayed. */
  afterWord?: number;
  /** How much longer after , ; : . ! ? */
  afterPunctuation?: number;
}

/** Milliseconds to wait after typing text[i] (so before text[i + 1]); one entry per character. */
export function typingDelays(text: string, o: TypistOptions): number[] {
  const random = mulberry32(o.seed);
  const sigma = o.sigma ?? 0.45;
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const raw = [...text].map((ch) => {
    let scale = 1;
    if (/[,;:.!?]/.test(ch)) scale = o.afterPunctuation ?? 4;
    else if (ch === ' ') scale = o.afterWord ?? 2.2;
    return scale * Math.exp(sigma * normal());
  });
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const target = 1000 / o.charsPerSecond;
  return raw.map((x) => (x * target) / mean);
}
