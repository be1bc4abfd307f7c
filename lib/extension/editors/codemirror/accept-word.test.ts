import { describe, expect, it } from 'vitest';
import { nextWord, splitNextWord } from './accept-word';

describe('nextWord', () => {
  it('takes leading space plus one word', () => {
    expect(nextWord(' method to estimate')).toBe(' method');
  });
  it('keeps punctuation with its word', () => {
    expect(nextWord(' model, which')).toBe(' model,');
  });
  it('takes a word with no leading space', () => {
    expect(nextWord('ing the data')).toBe('ing');
  });
  it('crosses newlines before the word', () => {
    expect(nextWord('\n\nWe show')).toBe('\n\nWe');
  });
  it('returns trailing whitespace whole', () => {
    expect(nextWord('  ')).toBe('  ');
    expect(nextWord('')).toBe('');
  });
  it('does not split surrogate pairs', () => {
    expect(nextWord(' 𝛼-values are')).toBe(' 𝛼-values');
  });
});

describe('splitNextWord', () => {
  it('word + rest is the original text, step by step', () => {
    let rest = ' a learned prior, over\tgraphs.';
    const words: string[] = [];
    while (rest) {
      const [word, tail] = splitNextWord(rest);
      expect(word + tail).toBe(rest);
      words.push(word);
      rest = tail;
    }
    expect(words).toEqual([' a', ' learned', ' prior,', ' over', '\tgraphs.']);
  });
});
