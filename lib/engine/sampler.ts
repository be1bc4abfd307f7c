/**
 * Picks the next token from one row of logits: repetition penalty, then
 * temperature, top-k, top-p (the order Hugging Face applies them).
 *
 * Cost per step is O(V) scans plus O(V log k) for top-k and O(m log m) for
 * the nucleus, where m is a candidate set bounded by a probability threshold,
 * never a sort of the whole vocabulary. The only vocabulary-sized memory is
 * `candidates`, allocated once per sampler; the row itself is modified in
 * place (it is the model's output buffer, which we own until it is released).
 */
import type { Random } from './prng';

export interface SamplerSettings {
  /** 0 = greedy. */
  temperature: number;
  /** 0 = off. */
  topK: number;
  /** 1 = off. */
  topP: number;
}

/**
 * Restricts the choice to a list of token ids (token healing). `ids[0..size)`
 * is read only.
 */
export interface TokenPool {
  ids: Int32Array;
  size: number;
}

/** CTRL-style penalty: shrink a positive logit, push a negative one further down. */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  if (penalty === 1) return;
  for (const id of seen) {
    const l = logits[id];
    logits[id] = l > 0 ? l / penalty : l * penalty;
  }
}

export class TokenSampler {
  /** Kept token ids live in candidates[0..count) after `filter`. */
  private readonly candidates: Int32Array;

  constructor(readonly vocabSize: number) {
    this.candidates = new Int32Array(vocabSize);
  }

  /** Chooses a token id. `logits` is one row of length vocabSize and is modified. */
  pick(logits: Float32Array, settings: SamplerSettings, random: Random, pool?: TokenPool): number {
    if (pool && pool.size === 0) throw new Error('no token is allowed at this step');
    if (settings.temperature === 0) return argmax(logits, pool);
    scale(logits, 1 / settings.temperature, pool);
    const count = this.filter(logits, settings.topK, settings.topP, pool);
    return count < 0 ? sampleAll(logits, this.vocabSize, random) : sampleFrom(logits, this.candidates, count, random);
  }

  /**
   * The ids that survive top-k and top-p on (already temperature-scaled)
   * logits, most likely first when top-p ran. Allocates; for tests and tools.
   */
  keptIds(logits: Float32Array, topK: number, topP: number, pool?: TokenPool): number[] {
    const count = this.filter(logits, topK, topP, pool);
    if (count < 0) return Array.from({ length: this.vocabSize }, (_, i) => i);
    return Array.from(this.candidates.subarray(0, count));
  }

  /** Returns how many candidates were kept, or -1 for "the whole vocabulary". */
  private filter(logits: Float32Array, topK: number, topP: number, pool?: TokenPool): number {
    const c = this.candidates;
    let n = -1;
    const poolSize = pool ? pool.size : this.vocabSize;
    if (topK > 0 && topK < poolSize) {
      n = topKInto(logits, pool, this.vocabSize, topK, c);
    } else if (pool) {
      c.set(pool.ids.subarray(0, pool.size));
      n = pool.size;
    }
    if (topP >= 1) return n;
    // The nucleus is measured against the whole distribution it was cut from:
    // the full vocabulary's mass, or the renormalised top-k / pool set.
    let mass = -1;
    if (n < 0) {
      n = this.collectLikely(logits, topP);
      mass = this.fullMass;
    }
    sortByLogitDesc(logits, c, 0, n - 1);
    return nucleusLength(logits, c, n, topP, mass);
  }

  /**
   * Gathers every token whose probability is at least a threshold t, lowering
   * t until their mass reaches p. At most 1/t tokens pass, so for a peaked
   * distribution the set to sort stays small; and since the nucleus is a
   * most-likely-first prefix, it lies inside any such set.
   */
  /** sum(exp(l - max)) over the vocabulary, from the last collectLikely; max is the first kept logit. */
  private fullMass = 0;

  private collectLikely(logits: Float32Array, p: number): number {
    const v = this.vocabSize;
    let max = -Infinity;
    for (let i = 0; i < v; i++) if (logits[i] > max) max = logits[i];
    let z = 0;
    for (let i = 0; i < v; i++) z += Math.exp(logits[i] - max);
    let t = 1 / 64;
    for (;;) {
      // A logit cut-off equivalent to probability >= t.
      const cut = t > 0 ? max + Math.log(t * z) : -Infinity;
      let n = 0;
      let mass = 0;
      for (let i = 0; i < v; i++) {
        if (logits[i] >= cut) {
          this.candidates[n++] = i;
          mass += Math.exp(logits[i] - max);
        }
      }
      if (mass >= p * z || t === 0) {
        this.fullMass = z;
        return n;
      }
      t = t < 1e-9 ? 0 : t / 16;
    }
  }
}

function argmax(logits: Float32Array, pool?: TokenPool): number {
  let best = -1;
  let bestL = -Infinity;
  if (pool) {
    for (let j = 0; j < pool.size; j++) {
      const id = pool.ids[j];
      if (best < 0 || logits[id] > bestL || (logits[id] === bestL && id < best)) {
        best = id;
        bestL = logits[id];
      }
    }
    return best;
  }
  for (let i = 0; i < logits.length; i++) {
    if (best < 0 || logits[i] > bestL) {
      best = i;
      bestL = logits[i];
    }
  }
  return best;
}

function scale(logits: Float32Array, factor: number, pool?: TokenPool): void {
  if (factor === 1) return;
  if (pool) for (let j = 0; j < pool.size; j++) logits[pool.ids[j]] *= factor;
  else for (let i = 0; i < logits.length; i++) logits[i] *= factor;
}

/** a ranks below b: lower logit, or the same logit and a higher id. */
function worse(logits: Float32Array, a: number, b: number): boolean {
  return logits[a] < logits[b] || (logits[a] === logits[b] && a > b);
}

/** Min-heap of the k best ids in out[0..k): O(V log k), no sort of the rest. */
function topKInto(logits: Float32Array, pool: TokenPool | undefined, vocab: number, k: number, out: Int32Array): number {
  let size = 0;
  const total = pool ? pool.size : vocab;
  for (let j = 0; j < total; j++) {
    const id = pool ? pool.ids[j] : j;
    if (size < k) {
      let i = size++;
      out[i] = id;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(logits, out[i], out[parent])) break;
        const tmp = out[i];
        out[i] = out[parent];
        out[parent] = tmp;
        i = parent;
      }
    } else if (worse(logits, out[0], id)) {
      out[0] = id;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && worse(logits, out[l], out[m])) m = l;
        if (r < size && worse(logits, out[r], out[m])) m = r;
        if (m === i) break;
        const tmp = out[i];
        out[i] = out[m];
        out[m] = tmp;
        i = m;
      }
    }
  }
  return size;
}

/** In-place quicksort of ids[lo..hi] by logit, best first (ties: lower id first). */
function sortByLogitDesc(logits: Float32Array, ids: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >> 1;
    const pivot = ids[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (worse(logits, pivot, ids[i])) i++;
      while (worse(logits, ids[j], pivot)) j--;
      if (i <= j) {
        const tmp = ids[i];
        ids[i] = ids[j];
        ids[j] = tmp;
        i++;
        j--;
      }
    }
    // Recurse into the smaller half so the stack stays O(log n).
    if (j - lo < hi - i) {
      sortByLogitDesc(logits, ids, lo, j);
      lo = i;
    } else {
      sortByLogitDesc(logits, ids, i, hi);
      hi = j;
    }
  }
  for (let a = lo + 1; a <= hi; a++) {
    const x = ids[a];
    let b = a - 1;
    while (b >= lo && worse(logits, ids[b], x)) {
      ids[b + 1] = ids[b];
      b--;
    }
    ids[b + 1] = x;
  }
}

/**
 * Smallest most-likely-first prefix of ids[0..n) whose mass reaches p, out of
 * `total` (sum of exp(l - max)), or out of the set itself when total < 0.
 */
function nucleusLength(logits: Float32Array, ids: Int32Array, n: number, p: number, total: number): number {
  const max = logits[ids[0]];
  let z = total;
  if (z < 0) {
    z = 0;
    for (let i = 0; i < n; i++) z += Math.exp(logits[ids[i]] - max);
  }
  const target = p * z;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += Math.exp(logits[ids[i]] - max);
    if (cum >= target) return i + 1;
  }
  return n;
}

function sampleFrom(logits: Float32Array, ids: Int32Array, n: number, random: Random): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[ids[i]] > max) max = logits[ids[i]];
  let z = 0;
  for (let i = 0; i < n; i++) z += Math.exp(logits[ids[i]] - max);
  let u = random() * z;
  for (let i = 0; i < n; i++) {
    u -= Math.exp(logits[ids[i]] - max);
    if (u < 0) return ids[i];
  }
  return ids[n - 1];
}

function sampleAll(logits: Float32Array, v: number, random: Random): number {
  let max = -Infinity;
  for (let i = 0; i < v; i++) if (logits[i] > max) max = logits[i];
  let z = 0;
  for (let i = 0; i < v; i++) z += Math.exp(logits[i] - max);
  let u = random() * z;
  for (let i = 0; i < v; i++) {
    u -= Math.exp(logits[i] - max);
    if (u < 0) return i;
  }
  return argmax(logits);
}
