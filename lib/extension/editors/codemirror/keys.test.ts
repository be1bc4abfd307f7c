import { describe, expect, it } from 'vitest';
import { ghostKeyAction } from './keys';

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
    expect(ghostKeyAction(key('ArrowRight', { ctrlKey: true }))).toBe('accept-word');
    expect(ghostKeyAction(key('Escape'))).toBe('dismiss-consume');
  });
  it('lets modified variants do their usual job and dismisses', () => {
    expect(ghostKeyAction(key('Tab', { shiftKey: true }))).toBe('dismiss');
    expect(ghostKeyAction(key('ArrowRight'))).toBe('dismiss');
    expect(ghostKeyAction(key('ArrowRight', { ctrlKey: true, shiftKey: true }))).toBe('dismiss');
    expect(ghostKeyAction(key('i', { ctrlKey: true }))).toBe('dismiss');
    expect(ghostKeyAction(key('a'))).toBe('dismiss');
  });
  it('ignores lone modifiers and IME composition', () => {
    expect(ghostKeyAction(key('Control', { ctrlKey: true }))).toBe('ignore');
    expect(ghostKeyAction(key('Shift', { shiftKey: true }))).toBe('ignore');
    expect(ghostKeyAction({ ...key('a'), isComposing: true })).toBe('ignore');
  });
});
