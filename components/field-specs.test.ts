import { describe, expect, it } from 'vitest';
import { SAMPLING_LIMITS, modelLimits } from '@/lib/engine/sampling-options';
import { INLINE_LIMITS, inlineSettingsSchema } from '@/lib/suggest/inline-settings';
import { describeInline, eagernessWords, fromShown, inlineBounds, inlineFieldError, samplingBounds, stepValue, toShown } from './field-specs';

describe('samplingBounds', () => {
  it('takes the engine ranges without a model', () => {
    expect(samplingBounds('maxNewTokens')).toMatchObject({ min: 1, max: SAMPLING_LIMITS.maxNewTokens.max });
    expect(samplingBounds('temperature')).toMatchObject(SAMPLING_LIMITS.temperature);
    expect(samplingBounds('topK').max).toBeUndefined();
  });

  it('narrows max new tokens and top-k to the loaded model', () => {
    const limits = modelLimits({ vocabSize: 50257, contextLength: 512 });
    expect(samplingBounds('maxNewTokens', limits)).toMatchObject({ min: 1, max: 256 });
    expect(samplingBounds('topK', limits)).toMatchObject({ min: 0, max: 50257 });
  });
});

describe('stepValue', () => {
  it('steps on the grid without float noise and stays in bounds', () => {
    const b = { min: 0, max: 1, step: 0.05 };
    expect(stepValue(0.1, 1, b)).toBe(0.15);
    expect(stepValue(0.95, 1, b)).toBe(1);
    expect(stepValue(1, 1, b)).toBe(1);
    expect(stepValue(0, -1, b)).toBe(0);
  });

  it('from a field that holds no number, goes to an end', () => {
    expect(stepValue(Number.NaN, 1, { min: 1, max: 256, step: 1 })).toBe(1);
    expect(stepValue(Number.NaN, -1, { min: 1, max: 256, step: 1 })).toBe(256);
    expect(stepValue(Number.NaN, -1, { min: 0, step: 1 })).toBe(0);
  });

  it('has no ceiling when the field has none', () => {
    expect(stepValue(50257, 1, { min: 0, step: 1 })).toBe(50258);
  });
});

describe('inline fields', () => {
  it('shows the confidence cut in per cent and stores it as a probability', () => {
    expect(toShown('minConfidence', 0.4)).toBe(40);
    expect(toShown('minConfidence', 0.07)).toBe(7);
    expect(fromShown('minConfidence', 35)).toBe(0.35);
    expect(inlineBounds('minConfidence')).toMatchObject({ min: INLINE_LIMITS.minConfidence.min * 100, max: INLINE_LIMITS.minConfidence.max * 100 });
    expect(inlineBounds('pauseMs')).toMatchObject(INLINE_LIMITS.pauseMs);
  });

  it('accepts exactly what the settings schema accepts', () => {
    for (const field of ['pauseMs', 'maxWords', 'candidates', 'minConfidence'] as const) {
      const { min } = inlineBounds(field);
      const max = inlineBounds(field).max!;
      for (const shown of [min - 1, min, max, max + 1, (min + max) / 2 + 0.5]) {
        const schemaOk = inlineSettingsSchema.shape[field].safeParse(fromShown(field, shown)).success;
        expect(inlineFieldError(field, shown) === undefined, `${field}=${shown}`).toBe(schemaOk);
      }
    }
  });

  it('names the real limit in the units shown', () => {
    expect(inlineFieldError('pauseMs', 5000)).toBe(`Pause before suggesting must be a whole number from ${INLINE_LIMITS.pauseMs.min} to ${INLINE_LIMITS.pauseMs.max} ms.`);
    expect(inlineFieldError('minConfidence', 99)).toBe(`How eager must be a number from ${INLINE_LIMITS.minConfidence.min * 100}% to ${INLINE_LIMITS.minConfidence.max * 100}%.`);
    expect(inlineFieldError('maxWords', 2.5)).toBe(`Most words per suggestion must be a whole number from ${INLINE_LIMITS.maxWords.min} to ${INLINE_LIMITS.maxWords.max} words.`);
    expect(inlineFieldError('candidates', undefined)).toBe(`Alternatives to cycle must be a whole number from ${INLINE_LIMITS.candidates.min} to ${INLINE_LIMITS.candidates.max}.`);
    expect(inlineFieldError('pauseMs', Number.NaN)).toBeDefined();
  });

  it('describes values with their units', () => {
    expect(describeInline('pauseMs', 150)).toBe('150 ms');
    expect(describeInline('maxWords', 1)).toBe('1 word');
    expect(describeInline('maxWords', 6)).toBe('6 words');
    expect(describeInline('minConfidence', 0.4)).toBe('40%');
  });
});

describe('eagernessWords', () => {
  it('names the level and says what the user will see', () => {
    expect(eagernessWords(0.1)).toMatchObject({ level: 'Eager' });
    expect(eagernessWords(0.4)).toMatchObject({ level: 'Balanced' });
    expect(eagernessWords(0.8)).toMatchObject({ level: 'Cautious' });
    expect(eagernessWords(0.4).sentence).toContain('at least 40% sure');
  });
});
