import { describe, expect, it } from 'vitest';
import { findSentenceEnd, stableLength } from './sentence-end';

describe('findSentenceEnd', () => {
  it.each([
    ['We win. Then', 7],
    ['Really? Yes', 7],
    ['Wow! Yes', 4],
    ['no end yet', -1],
    ['line\nnext', 4],
    ['ends with a mark.', -1],
    ['pi is 3.14 and', -1],
    ['see e.g. the appendix', -1],
    ['as in Fig. 3 we', -1],
    ['Smith et al. show. X', 18],
    ['by J. Smith. Then', 12],
  ])('%j → %i', (text, expected) => {
    expect(findSentenceEnd(text)).toBe(expected);
  });
});

describe('stableLength', () => {
  it('holds back only a trailing sentence mark', () => {
    expect(stableLength('a b.')).toBe(3);
    expect(stableLength('a b')).toBe(3);
    expect(stableLength('a b?')).toBe(3);
  });
});
