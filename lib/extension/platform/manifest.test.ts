/**
 * The per-browser manifest parts follow from where the engine is hosted:
 * Chrome's offscreen document needs its permission and cross-origin
 * isolation (WASM threads); Firefox's background page needs neither, and
 * Firefox needs gecko settings. Built manifests are checked in
 * lib/extension/manifest.test.ts (Chrome) and e2e/firefox/manifest-lint.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { browserManifest, GECKO, targetBrowser } from './manifest';

describe('browserManifest', () => {
  it('Chrome: offscreen permission, COEP/COOP, no gecko settings', () => {
    const chrome = browserManifest('chrome');
    expect(chrome.permissions).toEqual(['offscreen']);
    expect(chrome.keys).toMatchObject({ cross_origin_embedder_policy: { value: 'require-corp' }, cross_origin_opener_policy: { value: 'same-origin' } });
    expect(chrome.keys).not.toHaveProperty('browser_specific_settings');
    expect(chrome.testOverleafMatches).toEqual([]);
  });

  it('Firefox: no offscreen permission, no isolation keys, the gecko id and minimum version', () => {
    const firefox = browserManifest('firefox');
    expect(firefox.permissions).toEqual([]);
    expect(firefox.keys).not.toHaveProperty('cross_origin_embedder_policy');
    expect(firefox.keys).not.toHaveProperty('cross_origin_opener_policy');
    expect(firefox.keys).toMatchObject({ browser_specific_settings: { gecko: { id: GECKO.id, strict_min_version: '140.0' } } });
    expect(firefox.testOverleafMatches.every((m) => m.startsWith('https://127.0.0.1/'))).toBe(true);
  });

  it('every WXT target but Firefox gets the Chromium manifest', () => {
    expect(targetBrowser('firefox')).toBe('firefox');
    for (const b of ['chrome', 'edge', 'opera']) expect(targetBrowser(b)).toBe('chrome');
  });
});
