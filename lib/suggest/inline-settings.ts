/**
 * Settings of inline (as-you-type) suggestions: schema, defaults and limits in
 * one place, read by the popup, the content script and the engine side alike,
 * and by the simulated writer (`npm run eval -- --metric keystrokes`), so the
 * measured behaviour is the shipped one. The defaults are calibrated in
 * docs/INLINE.md.
 */
import { z } from 'zod';

export interface InlineSettings {
  /** Inline suggestions on or off everywhere (sites can override). */
  enabled: boolean;
  /** Per-site override by origin ("https://example.org"): true/false wins over `enabled`. */
  sites: Record<string, boolean>;
  /** Typing pause (ms) before a suggestion is requested. */
  pauseMs: number;
  /** Most words one suggestion shows (it also stops at the end of a sentence). */
  maxWords: number;
  /**
   * How eager: the confidence cut. A suggestion shows the longest run of whole
   * words whose joint probability under the model is at least this; nothing
   * when even the first word is below it. Lower = more and longer, less often right.
   */
  minConfidence: number;
  /** Candidates to cycle through (the first is the one shown first). */
  candidates: number;
}

export const INLINE_LIMITS = Object.freeze({
  pauseMs: { min: 0, max: 2000 },
  maxWords: { min: 1, max: 20 },
  minConfidence: { min: 0.05, max: 0.95 },
  candidates: { min: 1, max: 5 },
});

export const DEFAULT_INLINE_SETTINGS: Readonly<InlineSettings> = Object.freeze({
  enabled: true,
  sites: Object.freeze({}) as Record<string, boolean>,
  pauseMs: 150,
  maxWords: 6,
  minConfidence: 0.4,
  candidates: 3,
});

const range = (name: string, { min, max }: { min: number; max: number }, int: boolean) => {
  const msg = `${name} must be ${int ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  const n = z.number({ error: msg }).min(min, { error: msg }).max(max, { error: msg });
  return int ? n.int({ error: msg }) : n;
};

export const inlineSettingsSchema = z.object({
  enabled: z.boolean({ error: 'enabled must be true or false' }),
  sites: z.record(z.string().min(1, { error: 'a site must be an origin' }), z.boolean({ error: 'a site override must be true or false' })),
  pauseMs: range('pauseMs', INLINE_LIMITS.pauseMs, true),
  maxWords: range('maxWords', INLINE_LIMITS.maxWords, true),
  minConfidence: range('minConfidence', INLINE_LIMITS.minConfidence, false),
  candidates: range('candidates', INLINE_LIMITS.candidates, true),
});

export class InlineSettingsError extends Error {
  override name = 'InlineSettingsError';
}

/** Fills missing fields from the defaults; throws InlineSettingsError naming the first bad field. */
export function parseInlineSettings(input: Partial<InlineSettings> = {}): InlineSettings {
  const result = inlineSettingsSchema.safeParse({ ...DEFAULT_INLINE_SETTINGS, ...input });
  if (!result.success) throw new InlineSettingsError(result.error.issues[0]?.message ?? 'invalid inline settings');
  return result.data;
}

/** Whether suggestions run on `origin`: its override, else the global switch. */
export function inlineEnabledFor(settings: InlineSettings, origin: string): boolean {
  return settings.sites[origin] ?? settings.enabled;
}
