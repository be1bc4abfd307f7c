import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHARS } from '../extension/protocol';
import { PROMPT_CUT_STEP, promptStart, promptTail } from './prompt-cut';

const doc = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

describe('promptTail', () => {
  it('sends a short text whole', () => {
    expect(promptTail('Hello world')).toBe('Hello world');
    expect(promptTail(doc(MAX_PROMPT_CHARS))).toBe(doc(MAX_PROMPT_CHARS));
  });

  it('keeps at most MAX_PROMPT_CHARS, ending at the caret', () => {
    for (const n of [MAX_PROMPT_CHARS + 1, MAX_PROMPT_CHARS + 321, 3 * MAX_PROMPT_CHARS + 7]) {
      const text = doc(n);
      const tail = promptTail(text);
      expect(tail.length).toBeLessThanOrEqual(MAX_PROMPT_CHARS);
      expect(tail.length).toBeGreaterThan(MAX_PROMPT_CHARS - PROMPT_CUT_STEP);
      expect(text.endsWith(tail)).toBe(true);
    }
  });

  it('keeps the same start while the writer types on, and moves it a whole step at a time', () => {
    const text = doc(3 * MAX_PROMPT_CHARS);
    const starts = new Set<number>();
    for (let caret = MAX_PROMPT_CHARS + 1; caret <= MAX_PROMPT_CHARS + 2 * PROMPT_CUT_STEP; caret++) {
      const start = caret - promptTail(text.slice(0, caret)).length;
      expect(start % PROMPT_CUT_STEP).toBe(0);
      starts.add(start);
    }
    expect([...starts]).toEqual([PROMPT_CUT_STEP, 2 * PROMPT_CUT_STEP]);
  });

  it('never starts inside a surrogate pair', () => {
    // The step boundary falls on the emoji's second code unit.
    const text = 'x'.repeat(PROMPT_CUT_STEP - 1) + '😀' + doc(MAX_PROMPT_CHARS - 1);
    const tail = promptTail(text);
    expect(tail.startsWith('abcde')).toBe(true);
    expect(text.length - tail.length).toBe(PROMPT_CUT_STEP + 1);
  });

  it('honours a small maxChars exactly enough to keep most of it', () => {
    expect(promptTail('Hello brave', 4)).toBe('rave');
    expect(promptTail(doc(1000), 100).length).toBeGreaterThan(75);
  });
});

describe('promptStart', () => {
  it('reads the document only through codeAt, at the cut', () => {
    const read: number[] = [];
    const start = promptStart(10_000, (i) => (read.push(i), 97));
    expect(start).toBe(6_000);
    expect(read).toEqual([6_000]);
  });
});
