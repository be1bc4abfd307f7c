import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkParity, readTexts } from '../scripts/tokenizer-parity';

// The Python encoder that tokenized the training data and the JS tokenizer the
// engine uses must produce identical ids, or the model sees text it never saw
// in training. The fixture mixes LaTeX, Unicode, whitespace runs, URLs and digits.
const TEXTS = 'model_creation/tests/fixtures/tokenizer_texts.json';
const TOKENIZERS = ['tests/fixtures/tiny-gpt2/tokenizer.json', 'public/models/abstract-gpt/tokenizer.json'];

describe('tokenizer parity (Python encoder vs @huggingface/tokenizers)', () => {
  it('has a fixture with the hard cases', () => {
    const texts = readTexts(TEXTS);
    expect(texts.length).toBeGreaterThan(15);
    expect(texts.some((t) => t.includes('$') && t.includes('\\'))).toBe(true);
    expect(texts.some((t) => /\s{3,}/.test(t))).toBe(true);
    expect(texts.some((t) => /[^\x00-\x7f]/.test(t))).toBe(true);
  });

  for (const tokenizer of TOKENIZERS) {
    it(`gives identical ids with ${tokenizer}`, () => {
      expect(existsSync(tokenizer), `${tokenizer} is missing`).toBe(true);
      const report = checkParity(tokenizer, TEXTS);
      expect(report.checked).toBe(readTexts(TEXTS).length);
      expect(report.mismatches).toEqual([]);
    });
  }
});
