import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { DEFAULT_INLINE_SETTINGS } from '../suggest/inline-settings';
import { inlineSettingsItem, loadInlineSettings, sanitizeInlineSettings, saveInlineSettings, watchInlineSettings } from './inline-settings-store';

describe('inline settings store', () => {
  beforeEach(() => fakeBrowser.reset());

  it('gives the defaults when nothing is stored', async () => {
    expect(await loadInlineSettings()).toEqual(DEFAULT_INLINE_SETTINGS);
  });

  it('saves valid settings and reads them back', async () => {
    const r = await saveInlineSettings({ pauseMs: 300, maxWords: 4, sites: { 'https://example.org': false } });
    expect(r.ok).toBe(true);
    const s = await loadInlineSettings();
    expect(s.pauseMs).toBe(300);
    expect(s.maxWords).toBe(4);
    expect(s.sites).toEqual({ 'https://example.org': false });
  });

  it('refuses an out-of-range value with its limit and writes nothing', async () => {
    const r = await saveInlineSettings({ pauseMs: 99999 });
    expect(r).toEqual({ ok: false, error: 'pauseMs must be a whole number from 0 to 2000' });
    expect(await inlineSettingsItem.getValue()).toEqual({});
  });

  it('keeps the valid fields of garbage in storage and defaults the rest', async () => {
    await fakeBrowser.storage.sync.set({ inlineSettings: { enabled: 'yes', pauseMs: 200, maxWords: -3, sites: [1, 2] } });
    expect(await loadInlineSettings()).toEqual({ ...DEFAULT_INLINE_SETTINGS, pauseMs: 200 });
    expect(sanitizeInlineSettings('nonsense')).toEqual(DEFAULT_INLINE_SETTINGS);
  });

  it('tells watchers about a change, sanitized', async () => {
    const seen: number[] = [];
    const stop = watchInlineSettings((s) => seen.push(s.pauseMs));
    await saveInlineSettings({ pauseMs: 500 });
    await new Promise((r) => setTimeout(r, 0));
    stop();
    expect(seen).toEqual([500]);
  });
});
