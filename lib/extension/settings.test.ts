import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { DEFAULT_SAMPLING } from '../engine/sampling-options';
import { modelLimits } from '../engine/sampling-options';
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

  it.each([
    ['wrong types', { maxNewTokens: '40', temperature: null, topP: [0.5], topK: {}, repetitionPenalty: true, stopAtSentenceEnd: 1 }],
    ['out of range', { maxNewTokens: -5, temperature: 7, topP: 0, topK: -1, repetitionPenalty: 0.5, stopAtSentenceEnd: 'no' }],
    ['not finite or not whole', { maxNewTokens: 2.5, temperature: Number.NaN, topP: Number.POSITIVE_INFINITY, topK: 1.5, repetitionPenalty: Number.NaN }],
  ])('falls back field by field for stored garbage: %s', async (_, sampling) => {
    await fakeBrowser.storage.sync.set({ settings: { sampling: { ...sampling }, idleUnloadMinutes: -3 } });
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it.each([['a string', 'garbage'], ['an array', [1, 2]], ['a number', 42], ['sampling as a string', { sampling: 'hot', idleUnloadMinutes: 5 }]])(
    'survives a stored settings value that is %s',
    async (_, value) => {
      await fakeBrowser.storage.sync.set({ settings: value });
      const settings = await loadSettings();
      expect(settings.sampling).toEqual(DEFAULT_SETTINGS.sampling);
      expect(settings.idleUnloadMinutes).toBe(typeof value === 'object' && !Array.isArray(value) ? 5 : DEFAULT_SETTINGS.idleUnloadMinutes);
    },
  );

  it('with the loaded model known, refuses what it cannot honour and names the real limit', async () => {
    const limits = modelLimits({ vocabSize: 8192, contextLength: 512 });
    expect(validateField('topK', 10_000)).toBeUndefined(); // without a model nothing bounds it
    expect(validateField('topK', 10_000, limits)).toBe('topK must be a whole number from 0 to 8192 (0 turns it off)');
    expect(validateField('maxNewTokens', 512, limits)).toBe(
      'maxNewTokens must be a whole number from 1 to 256 (this model reads 512 tokens and half of them stay for your text)',
    );
    expect(validateField('maxNewTokens', 256, limits)).toBeUndefined();
    const result = await saveSettings({ sampling: { ...DEFAULT_SETTINGS.sampling, topK: 10_000 }, idleUnloadMinutes: 10 }, limits);
    expect(result.ok).toBe(false);
    expect(await loadSettings()).toEqual(DEFAULT_SETTINGS);
  });
});
