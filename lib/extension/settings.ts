/**
 * User settings, stored in `storage.sync` so they follow the user across
 * machines. The sampling part is validated with the engine's own schema
 * (lib/engine/sampling-options.ts): one rule set, one set of messages.
 *
 * The background reads settings on every request, so a change in the popup
 * applies to the next generation everywhere without any broadcast.
 */
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { DEFAULT_SAMPLING, samplingOptionsSchema, samplingOptionsSchemaFor, type ModelLimits } from '../engine/sampling-options';
import type { SamplingOptions } from '../engine/types';

/** The sampling fields the popup exposes (seed / token healing stay engine defaults). */
export const SAMPLING_FIELDS = ['maxNewTokens', 'temperature', 'topP', 'topK', 'repetitionPenalty', 'stopAtSentenceEnd'] as const;
export type SamplingField = (typeof SAMPLING_FIELDS)[number];

export interface Settings {
  sampling: Pick<SamplingOptions, SamplingField>;
  /** Minutes without a generation before the model is unloaded from memory (0 = keep it loaded). */
  idleUnloadMinutes: number;
}

export const IDLE_UNLOAD_LIMITS = { min: 0, max: 240 } as const;
const idleMessage = `idleUnloadMinutes must be a whole number from ${IDLE_UNLOAD_LIMITS.min} to ${IDLE_UNLOAD_LIMITS.max}`;
export const idleUnloadSchema = z
  .number({ error: idleMessage })
  .int({ error: idleMessage })
  .min(IDLE_UNLOAD_LIMITS.min, { error: idleMessage })
  .max(IDLE_UNLOAD_LIMITS.max, { error: idleMessage });

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  sampling: Object.freeze(pickSampling(DEFAULT_SAMPLING)),
  idleUnloadMinutes: 10,
});

export const settingsItem = storage.defineItem<Settings>('sync:settings', {
  fallback: DEFAULT_SETTINGS as Settings,
  version: 1,
});

function pickSampling(source: SamplingOptions): Settings['sampling'] {
  return Object.fromEntries(SAMPLING_FIELDS.map((k) => [k, source[k]])) as Settings['sampling'];
}

/**
 * Validates one field; returns the error message or undefined. With the
 * loaded model's limits (EngineStatus.limits), top-k and max new tokens are
 * checked against what that model allows, and the message names the limit.
 */
export function validateField(field: SamplingField | 'idleUnloadMinutes', value: unknown, limits?: ModelLimits): string | undefined {
  const sampling = limits ? samplingOptionsSchemaFor(limits) : samplingOptionsSchema;
  const schema = field === 'idleUnloadMinutes' ? idleUnloadSchema : sampling.shape[field];
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? `${field} is invalid`);
}

export type SettingsErrors = Partial<Record<SamplingField | 'idleUnloadMinutes', string>>;

/** Validates a whole settings object; errors are keyed by field so the popup can show each beside its input. */
export function validateSettings(input: Settings, limits?: ModelLimits): { ok: true; settings: Settings } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  for (const field of SAMPLING_FIELDS) {
    const message = validateField(field, input.sampling?.[field], limits);
    if (message) errors[field] = message;
  }
  const idle = validateField('idleUnloadMinutes', input.idleUnloadMinutes);
  if (idle) errors.idleUnloadMinutes = idle;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, settings: { sampling: pickSampling(input.sampling as SamplingOptions), idleUnloadMinutes: input.idleUnloadMinutes } };
}

/**
 * Reads settings. A stored value that no longer validates (hand-edited, older
 * version, synced from a newer build) falls back field by field to defaults,
 * so one bad value never disables generation.
 */
export async function loadSettings(): Promise<Settings> {
  const stored = (await settingsItem.getValue()) as Partial<Settings> | null;
  const sampling = { ...DEFAULT_SETTINGS.sampling } as Record<SamplingField, unknown>;
  for (const field of SAMPLING_FIELDS) {
    const value = stored?.sampling?.[field];
    if (value !== undefined && validateField(field, value) === undefined) sampling[field] = value;
  }
  const idle = stored?.idleUnloadMinutes;
  return {
    sampling: sampling as Settings['sampling'],
    idleUnloadMinutes: idle !== undefined && validateField('idleUnloadMinutes', idle) === undefined ? idle : DEFAULT_SETTINGS.idleUnloadMinutes,
  };
}

/** Validates (against the loaded model's limits when known) and saves; nothing is written when any field is invalid. */
export async function saveSettings(input: Settings, limits?: ModelLimits): Promise<{ ok: true } | { ok: false; errors: SettingsErrors }> {
  const result = validateSettings(input, limits);
  if (!result.ok) return result;
  await settingsItem.setValue(result.settings);
  return { ok: true };
}

export async function resetSettings(): Promise<Settings> {
  await settingsItem.removeValue();
  return loadSettings();
}

/** Full SamplingOptions for the engine: the user's fields on top of the engine defaults. */
export function samplingFromSettings(settings: Settings): SamplingOptions {
  return { ...DEFAULT_SAMPLING, ...settings.sampling };
}
