/**
 * Validation and defaults for SamplingOptions. The popup, the CLIs and the
 * engine all go through `parseSamplingOptions`, so a bad value is reported the
 * same way everywhere: one line naming the field and its allowed range.
 */
import { z } from 'zod';
import type { SamplingOptions } from './types';

export const DEFAULT_SAMPLING: Readonly<SamplingOptions> = Object.freeze({
  maxNewTokens: 48,
  temperature: 0.8,
  topP: 0.9,
  topK: 40,
  repetitionPenalty: 1.2,
  stopAtSentenceEnd: false,
  tokenHealing: true,
});

export const SAMPLING_LIMITS = Object.freeze({
  maxNewTokens: { min: 1, max: 512 },
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  topK: { min: 0 },
  repetitionPenalty: { min: 1, max: 2 },
});

/** Every check on a field reports the same sentence, so users see the whole rule at once. */
function numberField(message: string) {
  return z.number({ error: message }).refine(Number.isFinite, { error: message });
}

const intRange = (msg: string, min: number, max: number) => {
  return numberField(msg).pipe(z.number().int({ error: msg }).min(min, { error: msg }).max(max, { error: msg }));
};

const range = (name: string, min: number, max: number) => {
  const msg = `${name} must be a number from ${min} to ${max}`;
  return numberField(msg).pipe(z.number().min(min, { error: msg }).max(max, { error: msg }));
};

/**
 * What a loaded model allows, beyond the model-independent ranges above:
 * top-k up to its vocabulary, and completions up to half its window, so at
 * least half of what the model reads is the user's own text (512 new tokens
 * on a 512-token model would leave it one token of prompt).
 */
export interface ModelLimits {
  topK: number;
  maxNewTokens: number;
  /** The model's window (n_positions), for the messages. */
  contextLength: number;
}

export function modelLimits(model: { vocabSize: number; contextLength: number }): ModelLimits {
  const maxNewTokens = Math.max(1, Math.min(SAMPLING_LIMITS.maxNewTokens.max, Math.floor(model.contextLength / 2)));
  return { topK: model.vocabSize, maxNewTokens, contextLength: model.contextLength };
}

export function maxNewTokensMessage(limits?: ModelLimits): string {
  const max = limits?.maxNewTokens ?? SAMPLING_LIMITS.maxNewTokens.max;
  const why = limits ? ` (this model reads ${limits.contextLength} tokens and half of them stay for your text)` : '';
  return `maxNewTokens must be a whole number from 1 to ${max}${why}`;
}

export function topKMessage(vocabSize?: number): string {
  return vocabSize === undefined
    ? 'topK must be a whole number of 0 or more (0 turns it off)'
    : `topK must be a whole number from 0 to ${vocabSize} (0 turns it off)`;
}

/** A setting the loaded model cannot honour, and the value used instead. */
export interface SamplingAdjustment {
  setting: 'topK' | 'maxNewTokens';
  requested: number;
  used: number;
  /** One line for the user. */
  message: string;
}

/**
 * Clamps valid options to what the loaded model allows, so a stored value the
 * popup accepted before it knew the model (or a synced one from another
 * build) still completes; each change is reported so the user can be told.
 */
export function fitToModel(options: SamplingOptions, limits: ModelLimits): { options: SamplingOptions; adjustments: SamplingAdjustment[] } {
  const adjustments: SamplingAdjustment[] = [];
  const fitted = { ...options };
  const clamp = (setting: SamplingAdjustment['setting'], used: number, message: string) => {
    if (options[setting] <= used) return;
    fitted[setting] = used;
    adjustments.push({ setting, requested: options[setting], used, message: `${message}; used ${used}.` });
  };
  clamp('topK', limits.topK, `Top-k ${options.topK} is more than this model's ${limits.topK} tokens`);
  clamp('maxNewTokens', limits.maxNewTokens, `Max new tokens ${options.maxNewTokens} would crowd your text out of this model's ${limits.contextLength}-token window`);
  return { options: fitted, adjustments };
}

/**
 * Builds the schema. Once a model is known, its vocabulary size bounds topK,
 * and its full ModelLimits also bound maxNewTokens (the popup can validate
 * without a model).
 */
export function samplingOptionsSchemaFor(model?: number | ModelLimits) {
  const limits = typeof model === 'number' ? undefined : model;
  const vocabSize = typeof model === 'number' ? model : model?.topK;
  const topKMsg = topKMessage(vocabSize);
  let topK = z.number({ error: topKMsg }).int({ error: topKMsg }).min(0, { error: topKMsg });
  if (vocabSize !== undefined) topK = topK.max(vocabSize, { error: topKMsg });
  const topPMsg = 'topP must be a number greater than 0 and at most 1';
  return z
    .object({
      maxNewTokens: intRange(maxNewTokensMessage(limits), 1, limits?.maxNewTokens ?? SAMPLING_LIMITS.maxNewTokens.max),
      temperature: range('temperature', 0, 2),
      topP: numberField(topPMsg).pipe(z.number().gt(0, { error: topPMsg }).max(1, { error: topPMsg })),
      topK,
      repetitionPenalty: range('repetitionPenalty', 1, 2),
      stopAtSentenceEnd: z.boolean({ error: 'stopAtSentenceEnd must be true or false' }),
      seed: z
        .number({ error: 'seed must be a whole number' })
        .int({ error: 'seed must be a whole number' })
        .optional(),
      tokenHealing: z.boolean({ error: 'tokenHealing must be true or false' }).optional(),
      ignoreEos: z.boolean({ error: 'ignoreEos must be true or false' }).optional(),
      speculative: z.boolean({ error: 'speculative must be true or false' }).optional(),
    })
    .strict();
}

export const samplingOptionsSchema = samplingOptionsSchemaFor();

export class SamplingOptionsError extends Error {
  override name = 'SamplingOptionsError';
}

/**
 * Fills missing fields from DEFAULT_SAMPLING and validates. Throws a
 * SamplingOptionsError whose message is one line, e.g.
 * "invalid setting: temperature must be a number from 0 to 2".
 */
export function parseSamplingOptions(input: Partial<SamplingOptions> | undefined, model?: number | ModelLimits): SamplingOptions {
  const merged = { ...DEFAULT_SAMPLING, ...stripUndefined(input ?? {}) };
  const result = samplingOptionsSchemaFor(model).safeParse(merged);
  if (result.success) return result.data as SamplingOptions;
  const messages = [...new Set(result.error.issues.map((i) => describeIssue(i)))];
  throw new SamplingOptionsError(`invalid setting: ${messages.join('; ')}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown setting ${issue.keys.join(', ')}`;
  return issue.message;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
