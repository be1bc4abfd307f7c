import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { DEFAULT_SAMPLING } from '../engine/sampling-options';
import { DEFAULT_SETTINGS, loadSettings, resetSettings, samplingFromSettings, saveSettings, validateField } from './settings';

describe('settings', () => {
  beforeEach(() => fakeBrowser.reset());

  it('falls back to the engine defaults when nothing is stored', async () => {
    const settings = await loadSettings();
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.sampling.maxNewTokens).toBe(DEFAULT_SAMPLING.maxNewTokens);
  });

  it('round-trips through storage.sync', async () => {
    const next = { sampling: { ...DEFAULT_SETTINGS.sampling, maxNewTokens: 5, temperature: 0 }, idleUnloadMinutes: 3 };
    expect(await saveSettings(next)).toEqual({ ok: true });
    expect(await loadSettings()).toEqual(next);
    const raw = await fakeBrowser.storage.sync.get('settings');
    expect(raw.settings).toEqual(next);
    expect(samplingFromSettings(await loadSettings()).maxNewTokens).toBe(5);
  });

  it('rejects out-of-range values with clear per-field messages and writes nothing', async () => {
    const bad = { sampling: { ...DEFAULT_SETTINGS.sampling, maxNewTokens: 0, temperature: 5, topP: 0 }, idleUnloadMinutes: -1 };
    const result = await saveSettings(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.maxNewTokens).toBe('maxNewTokens must be a whole number from 1 to 512');
    expect(result.errors.temperature).toBe('temperature must be a number from 0 to 2');
    expect(result.errors.topP).toMatch(/greater than 0/);
    expect(result.errors.idleUnloadMinutes).toMatch(/0 to 240/);
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('validates single fields for the popup', () => {
    expect(validateField('topK', 2.5)).toMatch(/whole number/);
    expect(validateField('topK', 40)).toBeUndefined();
    expect(validateField('stopAtSentenceEnd', 'yes')).toMatch(/true or false/);
  });

  it('replaces a corrupted stored field with its default, keeping the valid ones', async () => {
    await fakeBrowser.storage.sync.set({ settings: { sampling: { maxNewTokens: 7, temperature: 'hot' }, idleUnloadMinutes: 99999 } });
    const settings = await loadSettings();
    expect(settings.sampling.maxNewTokens).toBe(7);
    expect(settings.sampling.temperature).toBe(DEFAULT_SAMPLING.temperature);
    expect(settings.idleUnloadMinutes).toBe(DEFAULT_SETTINGS.idleUnloadMinutes);
  });

  it('reset restores defaults', async () => {
    await saveSettings({ sampling: { ...DEFAULT_SETTINGS.sampling, topK: 3 }, idleUnloadMinutes: 1 });
    expect(await resetSettings()).toEqual(DEFAULT_SETTINGS);
  });
});
