import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../lib/engine/index';
import { KvCache } from '../../lib/engine/decoder';
import { tokenNll } from '../../lib/engine/scorer';
import { findSentenceEnd } from '../../lib/engine/sentence-end';
import { GREEDY, TINY, TINY_MERGED, loadFixtureTokenizer, openDecoder, readReference } from './fixtures';

const ref = readReference();
const tk = loadFixtureTokenizer();
const utf8 = (ids: number[]) => new TextDecoder().decode(new Uint8Array(ids.flatMap((id) => Array.from(tk.table.bytesOf(id)))));

/** The reference stops before eos; its text, decoded without a trailing half character. */
function referenceText(ids: number[]): string {
  return utf8(ids).replace(/\uFFFD$/, '');
}

describe('engine on the tiny fixtures', () => {
  let fp32: Engine;
  let merged: Engine;
  let quantized: Engine;
  beforeAll(async () => {
    fp32 = await loadEngine(TINY, { precision: 'fp32' });
    merged = await loadEngine(TINY_MERGED);
    quantized = await loadEngine(TINY);
  });
  afterAll(async () => {
    await Promise.all([fp32?.dispose(), merged?.dispose(), quantized?.dispose()]);
  });

  it('reports what it loaded', () => {
    expect(fp32.info).toMatchObject({ name: 'tiny-gpt2', contextLength: 128, vocabSize: 384, threads: 1, modelFile: 'onnx/model.onnx' });
    expect(fp32.info.modelBytes).toBeGreaterThan(100_000);
    expect(quantized.info.modelFile).toBe('onnx/model_quantized.onnx');
    expect(quantized.info.modelBytes).toBeLessThan(fp32.info.modelBytes);
    expect(merged.info.modelFile).toBe('onnx/decoder_model_merged.onnx');
  });

  it('tokenizes the prompts exactly as the Python reference did', () => {
    for (const p of ref.prompts) expect(tk.encode(p.text)).toEqual(p.input_ids);
  });

  it.each([
    ['model.onnx', () => fp32],
    ['the merged decoder', () => merged],
  ])('greedy output on %s equals the torch continuation, and the streamed deltas equal the text', async (_label, engine) => {
    for (const p of ref.prompts) {
      const deltas: string[] = [];
      const result = await engine().generate(p.text, { ...GREEDY, maxNewTokens: ref.greedy_max_new_tokens }, { onDelta: (d) => deltas.push(d) });
      expect(result.text).toBe(referenceText(p.greedy.ids));
      expect(result.tokens).toBe(p.greedy.ids.length);
      expect(result.stopReason).toBe(p.greedy.stop_reason === 'eos' ? 'eos' : 'max_tokens');
      expect(deltas.join('')).toBe(result.text);
    }
  });

  it('is reproducible with a seed', async () => {
    const opts = { maxNewTokens: 20, temperature: 1, topP: 0.95, topK: 0, repetitionPenalty: 1.1, stopAtSentenceEnd: false, seed: 7 };
    const a = await quantized.generate('We propose a', opts);
    const b = await quantized.generate('We propose a', opts);
    const c = await quantized.generate('We propose a', { ...opts, seed: 8 });
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
  });

  it('stopAtSentenceEnd cuts the same sampled completion at its first sentence end', async () => {
    let stopped = 0;
    for (let seed = 0; seed < 6; seed++) {
      const opts = { maxNewTokens: 60, temperature: 1, topP: 1, topK: 0, repetitionPenalty: 1, stopAtSentenceEnd: false, seed };
      const free = await fp32.generate('We propose a method.', opts);
      const deltas: string[] = [];
      const cut = await fp32.generate('We propose a method.', { ...opts, stopAtSentenceEnd: true }, { onDelta: (d) => deltas.push(d) });
      const end = findSentenceEnd(free.text);
      if (end >= 0) {
        stopped++;
        expect(cut.stopReason).toBe('sentence_end');
        expect(cut.text).toBe(free.text.slice(0, end));
      } else {
        expect(cut.text).toBe(free.text);
      }
      expect(deltas.join('')).toBe(cut.text);
    }
    expect(stopped).toBeGreaterThan(0); // the seeds above do reach a sentence end
  });

  it('stops within one step when aborted: abort after the 3rd delta gives exactly 3 tokens', async () => {
    const controller = new AbortController();
    let deltas = 0;
    // Prompt 0's greedy run yields a visible character for each of its first tokens.
    const result = await fp32.generate(ref.prompts[0].text, { ...GREEDY, maxNewTokens: 12 }, {
      signal: controller.signal,
      onDelta: () => {
        if (++deltas === 3) controller.abort();
      },
    });
    expect(result.stopReason).toBe('aborted');
    expect(result.tokens).toBe(3);
    expect(deltas).toBe(3);
    expect(referenceText(ref.prompts[0].greedy.ids).startsWith(result.text)).toBe(true);
  });

  it('returns at once for a signal aborted before the call', async () => {
    const result = await fp32.generate('We propose', { ...GREEDY, maxNewTokens: 12 }, { signal: AbortSignal.abort() });
    expect(result).toMatchObject({ text: '', tokens: 0, stopReason: 'aborted' });
  });

  it('keeps the last tokens of a prompt longer than the context', async () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i} is here.`).join(' ');
    const ids = tk.encode(long);
    expect(ids.length).toBeGreaterThan(128);
    const maxNewTokens = 10;
    const result = await fp32.generate(long, { ...GREEDY, maxNewTokens });
    expect(result.tokens).toBe(maxNewTokens);
    // Same logits as a direct run over the kept tail (128 - 10 tokens).
    const { decoder, session } = await openDecoder(TINY, 'onnx/model.onnx');
    const tail = ids.slice(ids.length - (128 - maxNewTokens));
    const out = await decoder.forward(tail, new KvCache());
    const row = out.row(tail.length - 1);
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    out.dispose();
    await session.release();
    expect(result.text.startsWith(utf8([best]).replace(/\uFFFD+$/, ''))).toBe(true);
  });

  it.each(['We propose a meth', 'We propose a method to '])(
    'heals %j: equals a brute-force constrained greedy search without cache',
    async (prompt) => {
      const removed = prompt.endsWith(' ') ? ' ' : ' meth';
      const context = tk.encode(prompt.slice(0, prompt.length - removed.length));
      const maxNewTokens = 8;
      const result = await fp32.generate(prompt, { ...GREEDY, tokenHealing: true, maxNewTokens });

      const { decoder, session } = await openDecoder(TINY, 'onnx/model.onnx');
      const chosen: number[] = [];
      let covered = '';
      for (let step = 0; step < maxNewTokens; step++) {
        const out = await decoder.forward([...context, ...chosen], new KvCache());
        const row = out.row(out.seqLength - 1);
        const rest = removed.slice(covered.length);
        let best = -1;
        for (let id = 0; id < row.length; id++) {
          const s = utf8([id]);
          const ok = rest === '' || (s.length > 0 && !tk.table.isSpecial(id) && (s.startsWith(rest) || rest.startsWith(s)));
          if (ok && (best < 0 || row[id] > row[best])) best = id;
        }
        out.dispose();
        if (best === tk.eos) break;
        chosen.push(best);
        covered = utf8(chosen).slice(0, removed.length);
      }
      await session.release();
      expect(utf8(chosen).startsWith(removed)).toBe(true);
      expect(result.text).toBe(utf8(chosen).slice(removed.length).replace(/\uFFFD$/, ''));
    },
  );

  it('turns healing off on request: the prompt is used as typed', async () => {
    const off = await fp32.generate('We propose a', { ...GREEDY, tokenHealing: false, maxNewTokens: 12 });
    expect(off.text).toBe(referenceText(ref.prompts[0].greedy.ids));
  });

  it('scores a text as the sum of token NLLs from full-context logits, after <|endoftext|>', async () => {
    const text = 'We propose a method to score text.';
    const ids = tk.encode(text);
    const { decoder, session } = await openDecoder(TINY, 'onnx/model.onnx');
    const seq = [tk.eos, ...ids];
    const out = await decoder.forward(seq, new KvCache());
    let expected = 0;
    for (let t = 1; t < seq.length; t++) {
      const row = Array.from(out.row(t - 1));
      const max = Math.max(...row);
      expected += Math.log(row.reduce((z, x) => z + Math.exp(x - max), 0)) + max - row[seq[t]];
    }
    out.dispose();
    await session.release();
    const score = await fp32.score(text);
    expect(score.tokens).toBe(ids.length);
    expect(score.bytes).toBe(new TextEncoder().encode(text).length);
    expect(score.nllNats).toBeCloseTo(expected, 3);
  });

  it('scores a text longer than the context in windows, each token once', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i} of a long abstract.`).join(' ');
    const ids = tk.encode(long);
    expect(ids.length).toBeGreaterThan(2 * 128);
    const score = await fp32.score(long);
    expect(score.tokens).toBe(ids.length);
    // Any window would score each token with at most full context: the
    // average lies between what the model gives with and without history.
    const perToken = score.nllNats / score.tokens;
    expect(perToken).toBeGreaterThan(0);
    expect(perToken).toBeLessThan(Math.log(384) + 2);
    // The first 128 tokens' contribution equals scoring that prefix alone.
    const prefixText = new TextDecoder().decode(new Uint8Array(ids.slice(0, 127).flatMap((id) => Array.from(tk.table.bytesOf(id)))));
    const prefix = await fp32.score(prefixText);
    expect(prefix.tokens).toBe(127);
    expect(prefix.nllNats).toBeLessThan(score.nllNats);
  });

  it('scores the empty text as zero', async () => {
    expect(await fp32.score('')).toEqual({ nllNats: 0, tokens: 0, bytes: 0 });
  });

  it('runs calls one at a time, so concurrent calls give the same as sequential ones', async () => {
    const opts = { ...GREEDY, maxNewTokens: 12 };
    const [a, b] = await Promise.all([fp32.generate(ref.prompts[0].text, opts), fp32.generate(ref.prompts[1].text, opts)]);
    expect(a.text).toBe(referenceText(ref.prompts[0].greedy.ids));
    expect(b.text).toBe(referenceText(ref.prompts[1].greedy.ids));
  });

  it('rejects bad settings and an empty prompt with one-line messages', async () => {
    await expect(fp32.generate('x', { ...GREEDY, maxNewTokens: 0 })).rejects.toThrow('maxNewTokens must be a whole number from 1 to 512');
    await expect(fp32.generate('x', { ...GREEDY, maxNewTokens: 5, topK: 1000 })).rejects.toThrow('topK must be a whole number from 0 to 384');
    await expect(fp32.generate('', { ...GREEDY, maxNewTokens: 5 })).rejects.toThrow('prompt is empty');
  });

  it('uses tokenNll consistently with a hand computation', () => {
    const row = Float32Array.from([1, 2, 3]);
    expect(tokenNll(row, 2)).toBeCloseTo(-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), 6);
  });
});
