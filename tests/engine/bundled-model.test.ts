/**
 * The model the extension ships (public/models/abstract-gpt), through the real
 * engine: it loads, fits the size budget, tracks the torch checkpoint it was
 * exported from (reference.json, written by model_creation/ship.sh), and
 * completes a prompt with words. Regenerate the reference with
 * `python3 model_creation/make_fixtures.py --from-checkpoint …` (ship.sh does).
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine, type Engine } from '../../lib/engine';
import { KvCache } from '../../lib/engine/decoder';
import { GREEDY, openDecoder, readReference } from './fixtures';

const BUNDLED = fileURLToPath(new URL('../../public/models/abstract-gpt', import.meta.url));
const ref = readReference(BUNDLED);

describe('the bundled model', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await loadEngine(BUNDLED, { threads: 1 });
  });
  afterAll(async () => engine?.dispose());

  it('is the int8 file, within the 30 MB budget', () => {
    expect(engine.info.modelFile).toBe('onnx/model_quantized.onnx');
    const bytes = statSync(`${BUNDLED}/onnx/model_quantized.onnx`).size;
    expect(engine.info.modelBytes).toBe(bytes);
    expect(bytes).toBeLessThanOrEqual(30_000_000);
  });

  it("int8 logits track the torch checkpoint's: same top-1 and close top-20 logits", async () => {
    const d = await openDecoder(BUNDLED, 'onnx/model_quantized.onnx');
    try {
      for (const p of ref.prompts) {
        const out = await d.decoder.forward(p.input_ids, new KvCache());
        const last = out.row(p.input_ids.length - 1);
        let argmax = 0;
        for (let i = 1; i < last.length; i++) if (last[i] > last[argmax]) argmax = i;
        expect(argmax, p.text).toBe(p.top_k.ids[0]);
        // int8 weights and activations move logits by a few hundredths, not by whole nats
        const diffs = p.top_k.ids.map((id: number, j: number) => Math.abs(last[id] - p.top_k.logits[j]));
        expect(Math.max(...diffs), p.text).toBeLessThan(0.5);
        out.dispose();
      }
    } finally {
      await d.session.release();
    }
  });

  it('completes "We propose a method to" with words, streamed exactly', async () => {
    let streamed = '';
    const r = await engine.generate('We propose a method to', { ...GREEDY, maxNewTokens: 16 }, { onDelta: (t) => (streamed += t) });
    expect(r.tokens).toBeGreaterThan(3);
    expect(streamed).toBe(r.text);
    expect(r.text).toMatch(/^ [a-z]+( [A-Za-z-]+,?){2,}/);
  });
});
