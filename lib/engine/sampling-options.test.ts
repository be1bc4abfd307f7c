import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING, fitToModel, modelLimits, parseSamplingOptions, samplingOptionsSchema } from './sampling-options';

describe('parseSamplingOptions', () => {
  it('fills defaults', () => {
    expect(parseSamplingOptions({})).toEqual(DEFAULT_SAMPLING);
    expect(DEFAULT_SAMPLING).toMatchObject({ maxNewTokens: 48, temperature: 0.8, topP: 0.9, topK: 40, repetitionPenalty: 1.2, stopAtSentenceEnd: false, tokenHealing: true });
  });

  it.each([
    [{ maxNewTokens: 0 }, 'maxNewTokens must be a whole number from 1 to 512'],
    [{ maxNewTokens: 513 }, 'maxNewTokens must be a whole number from 1 to 512'],
    [{ maxNewTokens: 2.5 }, 'maxNewTokens must be a whole number from 1 to 512'],
    [{ temperature: -0.1 }, 'temperature must be a number from 0 to 2'],
    [{ temperature: Number.NaN }, 'temperature must be a number from 0 to 2'],
    [{ topP: 0 }, 'topP must be a number greater than 0 and at most 1'],
    [{ topP: 1.01 }, 'topP must be a number greater than 0 and at most 1'],
    [{ topK: -1 }, 'topK must be a whole number from 0 to 100'],
    [{ topK: 101 }, 'topK must be a whole number from 0 to 100'],
    [{ repetitionPenalty: 0.9 }, 'repetitionPenalty must be a number from 1 to 2'],
    [{ stopAtSentenceEnd: 'yes' }, 'stopAtSentenceEnd must be true or false'],
  ])('rejects %o with one line naming the field and range', (input, message) => {
    expect(() => parseSamplingOptions(input as any, 100)).toThrow(`invalid setting: ${message}`);
  });

  it('accepts the edges of each range', () => {
    expect(() => parseSamplingOptions({ maxNewTokens: 512, temperature: 2, topP: 1, topK: 100, repetitionPenalty: 2 }, 100)).not.toThrow();
    expect(() => parseSamplingOptions({ maxNewTokens: 1, temperature: 0, topP: 0.001, topK: 0, repetitionPenalty: 1 }, 100)).not.toThrow();
  });

  it('rejects unknown settings', () => {
    expect(() => parseSamplingOptions({ top_p: 0.5 } as any)).toThrow('unknown setting top_p');
  });

  it('exposes per-field schemas for the popup', () => {
    expect(samplingOptionsSchema.shape.temperature.safeParse(3).success).toBe(false);
    expect(samplingOptionsSchema.shape.temperature.safeParse(1).success).toBe(true);
  });
});

describe('model limits', () => {
  const bundled = modelLimits({ vocabSize: 8192, contextLength: 512 });

  it('top-k up to the vocabulary, completions up to half the window', () => {
    expect(bundled).toEqual({ topK: 8192, maxNewTokens: 256, contextLength: 512 });
    expect(modelLimits({ vocabSize: 384, contextLength: 128 }).maxNewTokens).toBe(64);
    // Never above the model-independent range, never below one token.
    expect(modelLimits({ vocabSize: 50257, contextLength: 2048 }).maxNewTokens).toBe(512);
    expect(modelLimits({ vocabSize: 10, contextLength: 1 }).maxNewTokens).toBe(1);
  });

  it('clamps what the model cannot honour and says so; leaves the rest alone', () => {
    const { options, adjustments } = fitToModel({ ...DEFAULT_SAMPLING, topK: 10_000, maxNewTokens: 512 }, bundled);
    expect(options).toEqual({ ...DEFAULT_SAMPLING, topK: 8192, maxNewTokens: 256 });
    expect(adjustments).toEqual([
      { setting: 'topK', requested: 10_000, used: 8192, message: "Top-k 10000 is more than this model's 8192 tokens; used 8192." },
      { setting: 'maxNewTokens', requested: 512, used: 256, message: expect.stringContaining('512-token window; used 256') },
    ]);
    expect(fitToModel({ ...DEFAULT_SAMPLING, topK: 8192, maxNewTokens: 256 }, bundled).adjustments).toEqual([]);
  });

  it('validates against the model with the real limit in the message', () => {
    expect(() => parseSamplingOptions({ maxNewTokens: 257 }, bundled)).toThrow(
      'invalid setting: maxNewTokens must be a whole number from 1 to 256 (this model reads 512 tokens and half of them stay for your text)',
    );
    expect(() => parseSamplingOptions({ topK: 8193 }, bundled)).toThrow('topK must be a whole number from 0 to 8192');
    expect(() => parseSamplingOptions({ maxNewTokens: 256, topK: 8192 }, bundled)).not.toThrow();
  });
});
