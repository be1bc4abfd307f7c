import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { watchedValue } from './watched-value';
import { inlineSettingsItem, loadInlineSettings, saveInlineSettings } from './inline-settings-store';
import { loadSettings, saveSettings, settingsItem } from './settings';

describe('watchedValue', () => {
  beforeEach(() => fakeBrowser.reset());

  it('reads storage once for many requests, and again after a change made elsewhere', async () => {
    let reads = 0;
    const inline = watchedValue(
      () => {
        reads++;
        return loadInlineSettings();
      },
      (onChange) => inlineSettingsItem.watch(onChange),
    );
    expect((await inline.get()).pauseMs).toBe(150);
    await inline.get();
    await inline.get();
    expect(reads).toBe(1);
    // The popup saves: the next request sees it.
    await saveInlineSettings({ pauseMs: 400 });
    expect((await inline.get()).pauseMs).toBe(400);
    expect(reads).toBe(2);
    inline.dispose();
  });

  it('keeps the sampling settings too, and picks up their change', async () => {
    const settings = watchedValue(loadSettings, (onChange) => settingsItem.watch(onChange));
    const before = await settings.get();
    expect((await saveSettings({ ...before, sampling: { ...before.sampling, maxNewTokens: 12 } })).ok).toBe(true);
    expect((await settings.get()).sampling.maxNewTokens).toBe(12);
    settings.dispose();
  });

  it('does not keep a failed read', async () => {
    let fail = true;
    const value = watchedValue(
      async () => {
        if (fail) throw new Error('storage unavailable');
        return 7;
      },
      () => () => undefined,
    );
    await expect(value.get()).rejects.toThrow('storage unavailable');
    fail = false;
    expect(await value.get()).toBe(7);
  });
});
