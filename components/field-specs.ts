/**
 * What the popup's controls need to know about each setting, derived from the
 * one place each limit lives: lib/engine/sampling-options.ts (plus the loaded
 * model's limits) for the Generate button, lib/suggest/inline-settings.ts for
 * inline suggestions. Nothing here restates a number; the popup only adds
 * labels, units, step sizes and plain words.
 */
import { SAMPLING_LIMITS, type ModelLimits } from '@/lib/engine/sampling-options';
import { INLINE_LIMITS, inlineSettingsSchema, type InlineSettings } from '@/lib/suggest/inline-settings';

export interface Bounds {
  min: number;
  /** Undefined when nothing bounds the field yet (top-k before a model is loaded). */
  max?: number;
  step: number;
}

type NumericSamplingField = 'maxNewTokens' | 'temperature' | 'topP' | 'topK' | 'repetitionPenalty';

/** Input steps: a UI choice, not a rule (any value in range is accepted when typed). */
const SAMPLING_STEPS: Record<NumericSamplingField, number> = {
  maxNewTokens: 1,
  temperature: 0.05,
  topP: 0.05,
  topK: 1,
  repetitionPenalty: 0.05,
};

/** The range a sampling field's stepper allows: the engine's range, narrowed by the loaded model where it bounds it. */
export function samplingBounds(field: NumericSamplingField, limits?: ModelLimits): Bounds {
  const step = SAMPLING_STEPS[field];
  if (field === 'maxNewTokens') return { min: SAMPLING_LIMITS.maxNewTokens.min, max: limits?.maxNewTokens ?? SAMPLING_LIMITS.maxNewTokens.max, step };
  if (field === 'topK') return { min: SAMPLING_LIMITS.topK.min, max: limits?.topK, step };
  return { ...SAMPLING_LIMITS[field], step };
}

/**
 * One step up or down from `value`, kept inside the bounds and on the step
 * grid (so 0.1 + 0.05 is 0.15, not 0.15000000000000002). From a field that
 * holds no number, up goes to the minimum and down to the maximum.
 */
export function stepValue(value: number, direction: 1 | -1, { min, max, step }: Bounds): number {
  const decimals = (String(step).split('.')[1] ?? '').length;
  if (!Number.isFinite(value)) return direction > 0 ? min : (max ?? min);
  const next = Number((value + direction * step).toFixed(decimals));
  return Math.min(max ?? Number.POSITIVE_INFINITY, Math.max(min, next));
}

export type InlineNumberField = 'pauseMs' | 'maxWords' | 'minConfidence' | 'candidates';

export interface InlineFieldSpec {
  label: string;
  /** Shown after the value ("ms", "%", "words"). */
  unit: string;
  /** Stored value × scale = shown value (the confidence is stored 0–1, shown in per cent). */
  scale: number;
  /** Step of the shown value. */
  step: number;
  /** Name of the number field beside the slider (the slider itself is named `label`). */
  boxLabel: string;
  help: string;
}

export const INLINE_FIELDS: Record<InlineNumberField, InlineFieldSpec> = {
  pauseMs: {
    label: 'Pause before suggesting',
    unit: 'ms',
    scale: 1,
    step: 10,
    boxLabel: 'Pause in milliseconds',
    help: 'How long you stop typing before grey text is suggested. Shorter feels instant; longer stays out of your way while you think.',
  },
  maxWords: {
    label: 'Most words per suggestion',
    unit: 'words',
    scale: 1,
    step: 1,
    boxLabel: 'Number of words',
    help: 'A suggestion also stops at the end of a sentence. Press Tab to take it all, Ctrl+→ to take one word.',
  },
  minConfidence: {
    label: 'How eager',
    unit: '%',
    scale: 100,
    step: 1,
    boxLabel: 'Least sureness in per cent',
    help: 'Grey text shows only the words the model is at least this sure of, and nothing when even the first word is less likely. Lower: more and longer suggestions, more often wrong. Higher: fewer, more often right.',
  },
  candidates: {
    label: 'Alternatives to cycle',
    unit: '',
    scale: 1,
    step: 1,
    boxLabel: 'Number of suggestions',
    help: 'How many different suggestions Alt+] and Alt+[ step through, each starting with a different word.',
  },
};

/** The shown value (per cent for the confidence), rounded so float noise never shows. */
export function toShown(field: InlineNumberField, stored: number): number {
  return Number((stored * INLINE_FIELDS[field].scale).toFixed(6));
}

export function fromShown(field: InlineNumberField, shown: number): number {
  return Number((shown / INLINE_FIELDS[field].scale).toFixed(6));
}

/** The shown range, from INLINE_LIMITS. */
export function inlineBounds(field: InlineNumberField): Bounds {
  const { min, max } = INLINE_LIMITS[field];
  return { min: toShown(field, min), max: toShown(field, max), step: INLINE_FIELDS[field].step };
}

function withUnit(value: number, unit: string): string {
  if (!unit) return String(value);
  return unit === '%' ? `${value}%` : `${value} ${unit}`;
}

/**
 * Checks a shown value (typed or slid) with the settings' own schema; the
 * message names the real limit in the units the user sees.
 */
export function inlineFieldError(field: InlineNumberField, shown: number | undefined): string | undefined {
  const stored = shown === undefined || !Number.isFinite(shown) ? undefined : fromShown(field, shown);
  if (stored !== undefined && inlineSettingsSchema.shape[field].safeParse(stored).success) return undefined;
  const { min, max } = inlineBounds(field);
  const { label, unit } = INLINE_FIELDS[field];
  // Whole numbers only where the schema says so: it rejects a value halfway between two.
  const whole = !inlineSettingsSchema.shape[field].safeParse(INLINE_LIMITS[field].min + 0.5).success;
  const range = unit === '%' ? `${min}% to ${max}%` : withUnit(max!, unit).replace(/^/, `${min} to `);
  return `${label} must be ${whole ? 'a whole number' : 'a number'} from ${range}.`;
}

/** The shown value as text, with its unit ("150 ms", "40%", "6 words"). */
export function describeInline(field: InlineNumberField, stored: number): string {
  const shown = toShown(field, stored);
  const unit = field === 'maxWords' && shown === 1 ? 'word' : INLINE_FIELDS[field].unit;
  return withUnit(shown, unit);
}

/** The confidence cut in plain words: a name for the level and what the user will see. */
export function eagernessWords(minConfidence: InlineSettings['minConfidence']): { level: 'Eager' | 'Balanced' | 'Cautious'; sentence: string } {
  const percent = Math.round(minConfidence * 100);
  if (minConfidence < 0.25) return { level: 'Eager', sentence: `Suggests often, guesses included: words the model is at least ${percent}% sure of. Expect more wrong ones.` };
  if (minConfidence < 0.6) return { level: 'Balanced', sentence: `Suggests words the model is at least ${percent}% sure of; stays quiet when it is unsure.` };
  return { level: 'Cautious', sentence: `Suggests only words the model is at least ${percent}% sure of: fewer suggestions, more often right.` };
}
