import { describe, expect, it } from 'vitest';
import { TokenSampler, applyRepetitionPenalty } from './sampler';
import { mulberry32 } from './prng';

const logitsOf = (probs: number[]) => Float32Array.from(probs, (p) => Math.log(p));

function softmax(l: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(l));
  const e = Array.from(l, (x) => Math.exp(x - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Brute force: full sort, smallest prefix whose mass reaches p. */
function referenceNucleus(logits: Float32Array, p: number): number[] {
  const probs = softmax(logits);
  const order = probs.map((_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  let cum = 0;
  const kept: number[] = [];
  for (const i of order) {
    kept.push(i);
    cum += probs[i];
    if (cum >= p) break;
  }
  return kept;
}

function randomLogits(n: number, seed: number, spread = 6): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * spread + (r() < 0.01 ? 8 : 0));
}

describe('top-p (nucleus)', () => {
  const probs = [0.5, 0.25, 0.125, 0.0625, 0.0625];
  it('keeps the smallest set whose probability reaches p', () => {
    const s = new TokenSampler(5);
    expect(s.keptIds(logitsOf(probs), 0, 0.4)).toEqual([0]);
    expect(s.keptIds(logitsOf(probs), 0, 0.74)).toEqual([0, 1]);
    expect(s.keptIds(logitsOf(probs), 0, 0.76)).toEqual([0, 1, 2]);
    expect(s.keptIds(logitsOf(probs), 0, 0.95)).toHaveLength(5);
  });

  it('matches a full sort on large random distributions, with and without top-k', () => {
    const v = 5000;
    const s = new TokenSampler(v);
    for (let seed = 1; seed <= 6; seed++) {
      const logits = randomLogits(v, seed, seed * 2);
      for (const p of [0.1, 0.5, 0.9, 0.99]) {
        expect(s.keptIds(logits, 0, p)).toEqual(referenceNucleus(logits, p));
      }
      // top-k first, then the nucleus of the renormalised top-k distribution.
      const topK = s.keptIds(logits, 50, 1);
      const sub = Float32Array.from(topK, (i) => logits[i]);
      const expected = referenceNucleus(sub, 0.8).map((j) => topK[j]);
      expect(s.keptIds(logits, 50, 0.8)).toEqual(expected);
    }
  });

  it('never samples outside the nucleus', () => {
    const s = new TokenSampler(5);
    const random = mulberry32(3);
    for (let i = 0; i < 500; i++) {
      const id = s.pick(logitsOf(probs), { temperature: 1, topK: 0, topP: 0.74 }, random);
      expect([0, 1]).toContain(id);
    }
  });
});

describe('top-k', () => {
  it('keeps exactly the k most likely tokens', () => {
    const logits = randomLogits(1000, 7);
    const s = new TokenSampler(1000);
    const kept = s.keptIds(logits, 10, 1).sort((a, b) => a - b);
    const expected = Array.from(logits.keys())
      .sort((a, b) => logits[b] - logits[a])
      .slice(0, 10)
      .sort((a, b) => a - b);
    expect(kept).toEqual(expected);
  });

  it('samples only among the top k', () => {
    const s = new TokenSampler(4);
    const random = mulberry32(11);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(s.pick(logitsOf([0.4, 0.3, 0.2, 0.1]), { temperature: 1, topK: 2, topP: 1 }, random));
    expect([...seen].sort()).toEqual([0, 1]);
  });
});

describe('temperature', () => {
  it('0 is greedy whatever the random numbers', () => {
    const s = new TokenSampler(4);
    const logits = logitsOf([0.2, 0.1, 0.6, 0.1]);
    expect(s.pick(logits, { temperature: 0, topK: 0, topP: 1 }, () => 0.999)).toBe(2);
  });

  it('samples from softmax(logits / T)', () => {
    const base = [2, 1, 0, -1];
    const s = new TokenSampler(4);
    for (const t of [0.5, 2]) {
      const random = mulberry32(42);
      const counts = [0, 0, 0, 0];
      const n = 20000;
      for (let i = 0; i < n; i++) counts[s.pick(Float32Array.from(base), { temperature: t, topK: 0, topP: 1 }, random)]++;
      const expected = softmax(base.map((x) => x / t));
      counts.forEach((c, i) => expect(c / n).toBeCloseTo(expected[i], 1.5));
    }
  });
});

describe('repetition penalty', () => {
  it('divides positive logits and multiplies negative ones, only for seen tokens', () => {
    const logits = Float32Array.from([2, -2, 3, -1]);
    applyRepetitionPenalty(logits, new Set([0, 1]), 2);
    expect(Array.from(logits)).toEqual([1, -4, 3, -1]);
  });

  it('changes the greedy choice when the best token was already used', () => {
    const s = new TokenSampler(2);
    const logits = Float32Array.from([1.0, 0.8]);
    applyRepetitionPenalty(logits, [0], 1.5);
    expect(s.pick(logits, { temperature: 0, topK: 0, topP: 1 }, Math.random)).toBe(1);
  });
});

describe('seeded sampling', () => {
  const draw = (seed: number) => {
    const s = new TokenSampler(1000);
    const random = mulberry32(seed);
    return Array.from({ length: 30 }, () => s.pick(randomLogits(1000, 5, 2), { temperature: 1, topK: 0, topP: 0.95 }, random));
  };
  it('gives the same tokens for the same seed and different ones for another', () => {
    expect(draw(123)).toEqual(draw(123));
    expect(draw(123)).not.toEqual(draw(124));
  });
});

describe('token pool (token healing)', () => {
  it('restricts greedy and sampled choices to the pool', () => {
    const s = new TokenSampler(5);
    const pool = { ids: Int32Array.from([3, 4, 0]), size: 2 };
    expect(s.pick(logitsOf([0.6, 0.1, 0.1, 0.05, 0.15]), { temperature: 0, topK: 0, topP: 1 }, Math.random, pool)).toBe(4);
    const random = mulberry32(1);
    for (let i = 0; i < 100; i++) {
      expect([3, 4]).toContain(s.pick(logitsOf([0.6, 0.1, 0.1, 0.05, 0.15]), { temperature: 1, topK: 1000, topP: 0.9 }, random, pool));
    }
  });
});
