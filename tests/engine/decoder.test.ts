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

describe.each([
  ['model.onnx', TINY, 'onnx/model.onnx'],
  ['merged decoder', TINY_MERGED, 'onnx/decoder_model_merged.onnx'],
])('decoder on %s', (_label, dir, file) => {
  let d: Awaited<ReturnType<typeof openDecoder>>;
  beforeAll(async () => {
    d = await openDecoder(dir, file);
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
