import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KvCache } from '../../lib/engine/decoder';
import { TINY, TINY_MERGED, openDecoder, readReference } from './fixtures';

const ref = readReference();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('KvCache', () => {
  /** A cache of one past tensor, 2 heads × headDim 2, whose value at (head, position, i) is 100·head + 10·position + i. */
  const chunk = (from: number, n: number) => {
    const a = new Float32Array(2 * n * 2);
    for (let h = 0; h < 2; h++) for (let p = 0; p < n; p++) for (let i = 0; i < 2; i++) a[(h * n + p) * 2 + i] = 100 * h + 10 * (from + p) + i;
    return a;
  };
  const expected = (n: number) => Array.from(chunk(0, n));
  const contents = (c: KvCache) => Array.from(c.views()[0].data as Float32Array);

  it('appends positions in place, one head after another, growing when full', () => {
    const c = new KvCache();
    c.append([chunk(0, 3)], 3, 2, 2);
    expect(contents(c)).toEqual(expected(3));
    for (let p = 3; p < 9; p++) {
      c.append([chunk(p, 1)], 1, 2, 2);
      expect(c.length).toBe(p + 1);
      expect(c.views()[0].dims).toEqual([1, 2, p + 1, 2]);
      expect(contents(c)).toEqual(expected(p + 1));
    }
  });

  it('truncates in place and appends again after it', () => {
    const c = new KvCache();
    c.append([chunk(0, 6)], 6, 2, 2);
    c.truncate(4);
    expect(contents(c)).toEqual(expected(4));
    c.append([chunk(4, 2)], 2, 2, 2);
    expect(contents(c)).toEqual(expected(6));
    const buffer = (c.views()[0].data as Float32Array).buffer;
    c.truncate(0);
    expect(c.length).toBe(0);
    // Emptied, not freed: the next sequence refills the same buffer.
    c.append([chunk(0, 3)], 3, 2, 2);
    expect(contents(c)).toEqual(expected(3));
    expect((c.views()[0].data as Float32Array).buffer).toBe(buffer);
    c.dispose();
    expect(c.views()).toEqual([]);
  });

  it('does not grow a buffer past the model context', () => {
    const c = new KvCache();
    c.append([chunk(0, 5)], 5, 2, 2, 6);
    c.append([chunk(5, 1)], 1, 2, 2, 6);
    expect(contents(c)).toEqual(expected(6));
    expect((c.views()[0].data as Float32Array).buffer.byteLength).toBe(6 * 2 * 2 * 4);
  });
});

describe.each([
  ['model.onnx, new_key_values', TINY, 'onnx/model.onnx', 'new'],
  ['model.onnx, presents', TINY, 'onnx/model.onnx', 'present'],
  ['merged decoder', TINY_MERGED, 'onnx/decoder_model_merged.onnx', undefined],
] as const)('decoder on %s', (_label, dir, file, kvOutputs) => {
  let d: Awaited<ReturnType<typeof openDecoder>>;
  beforeAll(async () => {
    d = await openDecoder(dir, file, kvOutputs);
    if (kvOutputs) expect(d.decoder.kvOutputs).toBe(kvOutputs);
  });
  afterAll(async () => d.session.release());

  it('matches the torch logits for every prompt position', async () => {
    for (const p of ref.prompts) {
      const cache = new KvCache();
      const out = await d.decoder.forward(p.input_ids, cache);
      const last = p.input_ids.length - 1;
      expect(maxAbsDiff(out.row(last), p.last_logits)).toBeLessThan(1e-3);
      // Only some prompts carry every position's logits.
      (p.logits ?? []).forEach((row: number[], i: number) => expect(maxAbsDiff(out.row(i), row)).toBeLessThan(1e-3));
      out.dispose();
      cache.dispose();
    }
  });

  it('returns only the rows asked for (all of them on a graph without num_logits_to_keep), the same numbers as the full run\'s, and the same cache', async () => {
    const ids: number[] = ref.prompts[0].input_ids;
    const s = ids.length;
    const full = await d.decoder.forward(ids, new KvCache());
    expect(full.rows).toBe(s);
    // The plain fixture is a fresh export; the merged one has the layout of older exports.
    expect(d.decoder.keepsLogitRows).toBe(file === 'onnx/model.onnx');
    for (const wanted of [1, 2]) {
      const cache = new KvCache();
      const some = await d.decoder.forward(ids, cache, { rows: wanted });
      const rows = d.decoder.keepsLogitRows ? wanted : s;
      expect(some.rows).toBe(rows);
      expect(some.logits.length).toBe(rows * d.config.vocabSize);
      for (let i = s - rows; i < s; i++) expect(maxAbsDiff(some.row(i), full.row(i))).toBeLessThan(1e-4);
      if (rows < s) expect(() => some.row(s - rows - 1)).toThrow(RangeError);
      expect(() => some.row(s)).toThrow(RangeError);
      expect(cache.length).toBe(s);
      // The cache it left continues exactly like the full run's would.
      const next = await d.decoder.forward([ids[0]], cache);
      const whole = await d.decoder.forward([...ids, ids[0]], new KvCache());
      expect(maxAbsDiff(next.row(0), whole.row(s))).toBeLessThan(1e-4);
    }
  });

  it('gives the same logits one token at a time with the cache as in one full run', async () => {
    const ids: number[] = [...ref.prompts[0].input_ids, ...ref.prompts[0].greedy.ids];
    const full = await d.decoder.forward(ids, new KvCache());
    const cache = new KvCache();
    const split = 3;
    const prefill = await d.decoder.forward(ids.slice(0, split), cache);
    expect(maxAbsDiff(prefill.row(split - 1), full.row(split - 1))).toBeLessThan(1e-4);
    for (let i = split; i < ids.length; i++) {
      const step = await d.decoder.forward([ids[i]], cache);
      expect(cache.length).toBe(i + 1);
      expect(maxAbsDiff(step.row(0), full.row(i))).toBeLessThan(1e-4);
      step.dispose();
    }
    cache.dispose();
  });
});
