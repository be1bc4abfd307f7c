import { describe, expect, it } from 'vitest';
import { classifySender, fieldKeyFor, ownerKeysFor } from './sender-check';

const ID = 'our-extension-id';
const ORIGIN = `chrome-extension://${ID}`;

describe('classifySender', () => {
  it('accepts our content script with its tab and frame', () => {
    expect(classifySender({ id: ID, tab: { id: 7 }, frameId: 3, url: 'https://example.org/' }, ID, ORIGIN)).toEqual({ kind: 'content', tabId: 7, frameId: 3 });
    expect(classifySender({ id: ID, tab: { id: 7 }, frameId: 3, origin: 'https://example.org', documentId: 'D1' }, ID, ORIGIN)).toEqual({
      kind: 'content',
      tabId: 7,
      frameId: 3,
      origin: 'https://example.org',
      documentId: 'D1',
    });
  });
  it('accepts our own pages (popup, offscreen)', () => {
    expect(classifySender({ id: ID, url: `${ORIGIN}/popup.html` }, ID, ORIGIN)).toEqual({ kind: 'extension-page', url: `${ORIGIN}/popup.html` });
  });
  it('rejects other extensions and web pages', () => {
    expect(classifySender({ id: 'someone-else', tab: { id: 1 } }, ID, ORIGIN).kind).toBe('rejected');
    expect(classifySender({ url: 'https://evil.example/' }, ID, ORIGIN).kind).toBe('rejected');
    expect(classifySender(undefined, ID, ORIGIN).kind).toBe('rejected');
  });
  it('rejects a tabless sender that is not one of our pages', () => {
    expect(classifySender({ id: ID, url: 'https://evil.example/' }, ID, ORIGIN).kind).toBe('rejected');
    // A look-alike origin must not pass the prefix check.
    expect(classifySender({ id: ID, url: `${ORIGIN}.evil.example/x` }, ID, ORIGIN).kind).toBe('rejected');
  });
  it('keys fields by tab and frame so equal ids in different frames do not collide', () => {
    const a = fieldKeyFor({ kind: 'content', tabId: 1, frameId: 0 }, 'field-1');
    const b = fieldKeyFor({ kind: 'content', tabId: 1, frameId: 2 }, 'field-1');
    expect(a).not.toBe(b);
  });

  it('owner is the tab; the prefix cache key is the origin, or the document for opaque origins', () => {
    expect(ownerKeysFor({ kind: 'content', tabId: 1, frameId: 0, origin: 'https://a.example' })).toEqual({ owner: 'tab1', cacheKey: 'https://a.example' });
    // Two sandboxed frames both say "null": they must not share a cache.
    const x = ownerKeysFor({ kind: 'content', tabId: 1, frameId: 2, origin: 'null', documentId: 'X' });
    const y = ownerKeysFor({ kind: 'content', tabId: 3, frameId: 2, origin: 'null', documentId: 'Y' });
    expect(x.cacheKey).not.toBe(y.cacheKey);
    expect(x.cacheKey).not.toBe('null');
    expect(ownerKeysFor({ kind: 'extension-page', url: `${ORIGIN}/popup.html` })).toEqual({ owner: 'page', cacheKey: 'extension' });
  });
});
