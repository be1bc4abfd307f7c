import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLING, parseSamplingOptions, samplingOptionsSchema } from './sampling-options';

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
