import { describe, expect, it } from 'vitest';
import { DEFAULT_INLINE_SETTINGS, INLINE_LIMITS, InlineSettingsError, inlineEnabledFor, parseInlineSettings } from './inline-settings';

describe('inline settings', () => {
  it('fills defaults and keeps given values', () => {
    expect(parseInlineSettings()).toEqual(DEFAULT_INLINE_SETTINGS);
    expect(parseInlineSettings({ maxWords: 3 }).maxWords).toBe(3);
  });

  it('names the field and its range when a value is out of bounds', () => {
    expect(() => parseInlineSettings({ minConfidence: 1.5 })).toThrow(InlineSettingsError);
    expect(() => parseInlineSettings({ minConfidence: 1.5 })).toThrow(`minConfidence must be a number from ${INLINE_LIMITS.minConfidence.min} to ${INLINE_LIMITS.minConfidence.max}`);
    expect(() => parseInlineSettings({ maxWords: 2.5 })).toThrow(/maxWords must be a whole number/);
    expect(() => parseInlineSettings({ pauseMs: -1 })).toThrow(/pauseMs/);
  });

  it('the defaults are within the limits', () => {
    for (const [k, { min, max }] of Object.entries(INLINE_LIMITS)) {
      const v = (DEFAULT_INLINE_SETTINGS as any)[k];
      expect(v).toBeGreaterThanOrEqual(min);
      expect(v).toBeLessThanOrEqual(max);
    }
  });

  it('a site override wins over the global switch', () => {
    const s = parseInlineSettings({ enabled: false, sites: { 'https://overleaf.com': true } });
    expect(inlineEnabledFor(s, 'https://overleaf.com')).toBe(true);
    expect(inlineEnabledFor(s, 'https://example.org')).toBe(false);
    expect(inlineEnabledFor(parseInlineSettings({ sites: { 'https://x.org': false } }), 'https://x.org')).toBe(false);
  });
});
