import { describe, expect, it } from 'vitest';
import { compareCaret, notInsertedMessage } from './basic-guard';

describe('compareCaret (may basic mode insert now?)', () => {
  const recorded = 'We propose a method to';

  it('allows the insertion only when the text before the caret is the same and nothing is selected', () => {
    expect(compareCaret(recorded, { before: recorded, collapsed: true })).toBe('unchanged');
  });

  it('refuses any selection, even one that ends at the recorded caret', () => {
    expect(compareCaret(recorded, { before: recorded, collapsed: false })).toBe('selection');
  });

  it('refuses a caret that moved, or text before it that changed (same length included)', () => {
    expect(compareCaret(recorded, { before: 'We propose', collapsed: true })).toBe('moved');
    expect(compareCaret(recorded, { before: `${recorded}x`, collapsed: true })).toBe('moved');
    expect(compareCaret(recorded, { before: recorded.replace('method', 'madhot'), collapsed: true })).toBe('moved');
  });

  it('refuses when the caret left the editor', () => {
    expect(compareCaret(recorded, { before: null, collapsed: true })).toBe('moved');
    expect(compareCaret('', { before: null, collapsed: true })).toBe('moved');
  });

  it('says clearly that nothing was inserted', () => {
    expect(notInsertedMessage('selection')).toMatch(/not inserted.*selection is untouched/);
    expect(notInsertedMessage('moved')).toMatch(/not inserted/);
  });
});
