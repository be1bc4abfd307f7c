import { describe, expect, it } from 'vitest';
import { ghostKeyAction, inlineKeyIsAskNow, typedCharacter } from './keys';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('ghostKeyAction', () => {
  it('maps the accept / word / dismiss keys', () => {
    expect(ghostKeyAction(key('Tab'))).toBe('accept');
    expect(ghostKeyAction(key('ArrowRight', { ctrlKey: true }), false)).toBe('accept-word');
    expect(ghostKeyAction(key('Escape'))).toBe('dismiss-consume');
  });
  it('lets modified variants do their usual job and dismisses', () => {
    expect(ghostKeyAction(key('Tab', { shiftKey: true }))).toBe('dismiss');
    expect(ghostKeyAction(key('ArrowRight'))).toBe('dismiss');
    expect(ghostKeyAction(key('ArrowRight', { ctrlKey: true, shiftKey: true }))).toBe('dismiss');
    expect(ghostKeyAction(key('i', { ctrlKey: true }))).toBe('dismiss');
    expect(ghostKeyAction(key('a'))).toBe('dismiss');
  });
  it('cycles with Alt+] / Alt+[ (by key or physical key), asks with Alt+\\; ⌥→ takes a word on macOS', () => {
    expect(ghostKeyAction(key(']', { altKey: true }))).toBe('next');
    expect(ghostKeyAction({ ...key('‘', { altKey: true }), code: 'BracketRight' })).toBe('next');
    expect(ghostKeyAction(key('[', { altKey: true }))).toBe('previous');
    expect(ghostKeyAction(key(']'))).toBe('dismiss');
    expect(inlineKeyIsAskNow(key('\\', { altKey: true }))).toBe(true);
    expect(inlineKeyIsAskNow({ ...key('«', { altKey: true }), code: 'Backslash' })).toBe(true);
    expect(inlineKeyIsAskNow(key('\\'))).toBe(false);
    expect(ghostKeyAction(key('ArrowRight', { altKey: true }), true)).toBe('accept-word');
    expect(ghostKeyAction(key('ArrowRight', { ctrlKey: true }), true)).toBe('dismiss');
    expect(ghostKeyAction(key('ArrowRight', { altKey: true }), false)).toBe('dismiss');
  });
  it('tells typed characters from shortcuts', () => {
    expect(typedCharacter(key('a'))).toBe('a');
    expect(typedCharacter(key('A', { shiftKey: true }))).toBe('A');
    expect(typedCharacter(key('a', { ctrlKey: true }))).toBeNull();
    expect(typedCharacter(key('Enter'))).toBeNull();
  });
  it('ignores lone modifiers and IME composition', () => {
    expect(ghostKeyAction(key('Control', { ctrlKey: true }))).toBe('ignore');
    expect(ghostKeyAction(key('Shift', { shiftKey: true }))).toBe('ignore');
    expect(ghostKeyAction({ ...key('a'), isComposing: true })).toBe('ignore');
  });
});
