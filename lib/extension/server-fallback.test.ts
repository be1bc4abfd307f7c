import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { clearFallback, fallbackFor, markFallback, parseFallbacks } from './server-fallback';

describe('server fallback per tab', () => {
  beforeEach(() => fakeBrowser.reset());

  it('remembers why a tab uses the bundled model, per tab, in storage.session', async () => {
    await markFallback(3, 'Ollama at http://127.0.0.1:11434 does not answer');
    await markFallback(4, 'other');
    expect(await fallbackFor(3)).toMatch(/does not answer/);
    expect(await fallbackFor(5)).toBeUndefined();
    expect(Object.keys((await fakeBrowser.storage.session.get('serverFallback')).serverFallback as object)).toEqual(['3', '4']);
    await clearFallback(3);
    expect(await fallbackFor(3)).toBeUndefined();
    expect(await fallbackFor(4)).toBe('other');
    await clearFallback();
    expect(await fallbackFor(4)).toBeUndefined();
  });

  it('a very long reason is clipped, not allowed to make every tab\'s record unreadable', async () => {
    await markFallback(3, `The server failed: ${'x'.repeat(5000)}`);
    await markFallback(4, 'other');
    expect(await fallbackFor(3)).toMatch(/^The server failed: x+$/);
    expect(await fallbackFor(4)).toBe('other');
  });

  it('reads garbage as no fallback', () => {
    expect(parseFallbacks({ 3: 'x' })).toEqual({});
    expect(parseFallbacks(undefined)).toEqual({});
  });
});
