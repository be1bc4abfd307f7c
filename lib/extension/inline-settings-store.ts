/**
 * Inline-suggestion settings in `storage.sync`, beside the sampling settings
 * (settings.ts). The schema, defaults and limits live in lib/suggest/inline-settings.ts
 * so the simulated writer measures what ships; this module only stores them.
 * A stored value that no longer validates falls back field by field, so one
 * bad value never turns suggestions off or breaks the content script.
 */
import { storage } from 'wxt/utils/storage';
import { DEFAULT_INLINE_SETTINGS, inlineSettingsSchema, parseInlineSettings, type InlineSettings } from '../suggest/inline-settings';

export const inlineSettingsItem = storage.defineItem<Partial<InlineSettings>>('sync:inlineSettings', {
  fallback: {},
  version: 1,
});

const FIELDS = Object.keys(DEFAULT_INLINE_SETTINGS) as (keyof InlineSettings)[];

/** Keeps each stored field that validates on its own; the rest come from the defaults. */
export function sanitizeInlineSettings(stored: unknown): InlineSettings {
  const out: Record<string, unknown> = { ...DEFAULT_INLINE_SETTINGS };
  if (stored && typeof stored === 'object') {
    for (const field of FIELDS) {
      const value = (stored as Record<string, unknown>)[field];
      if (value !== undefined && inlineSettingsSchema.shape[field].safeParse(value).success) out[field] = value;
    }
  }
  return out as unknown as InlineSettings;
}

export async function loadInlineSettings(): Promise<InlineSettings> {
  return sanitizeInlineSettings(await inlineSettingsItem.getValue());
}

/** Validates the whole object; writes nothing and returns the message when a field is invalid. */
export async function saveInlineSettings(input: Partial<InlineSettings>): Promise<{ ok: true; settings: InlineSettings } | { ok: false; error: string }> {
  let settings: InlineSettings;
  try {
    settings = parseInlineSettings(input);
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  await inlineSettingsItem.setValue(settings);
  return { ok: true, settings };
}

/** Calls back with the sanitized settings whenever they change in any context (popup edits apply at once). */
export function watchInlineSettings(cb: (settings: InlineSettings) => void): () => void {
  return inlineSettingsItem.watch((value) => cb(sanitizeInlineSettings(value)));
}
