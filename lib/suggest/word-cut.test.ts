import { describe, expect, it } from 'vitest';
import { WordCut, type CutToken } from './word-cut';

/** Feeds tokens until the cut stops; returns what it shows and how many tokens it took. */
function run(tokens: CutToken[], minConfidence: number, maxWords = 10, freeWords = 0, nextWordConfidence?: number, lengthBonus?: number) {
  const cut = new WordCut({ minConfidence, maxWords, freeWords, nextWordConfidence, lengthBonus });
  let used = 0;
  for (const t of tokens) {
    used++;
    if (cut.push(t)) break;
  }
  return { shown: cut.shown, used, done: cut.done, confidence: cut.confidence };
}

// "od is a new" after the caret in "meth": GPT-2 style tokens, each next word's token starts with its space.
const tokens: CutToken[] = [
  { text: 'od', probability: 0.9, spaceProbability: 0.05 },
  { text: ' is', probability: 0.5, spaceProbability: 0.8 },
  { text: ' a', probability: 0.6, spaceProbability: 1 },
  { text: ' new', probability: 0.5, spaceProbability: 1 },
  { text: ' one', probability: 0.9, spaceProbability: 1 },
];

describe('WordCut', () => {
  it('shows whole words with their space once the next token starts a word, weighting the word by the chance that it ends there', () => {
    // "od " = 0.9 × 0.8; "is " = 0.9 × 0.5 × 1; "a " = 0.27 × 1; "new " = 0.135.
    expect(run(tokens, 0.7).shown).toBe('od ');
    expect(run(tokens, 0.7).confidence).toBeCloseTo(0.72);
    expect(run(tokens, 0.4).shown).toBe('od is ');
    expect(run(tokens, 0.2).shown).toBe('od is a ');
    expect(run(tokens, 0.1).shown).toBe('od is a new ');
  });

  it('shows nothing when even the first word is below the cut, and stops generating right there', () => {
    const r = run(tokens, 0.8);
    expect(r.shown).toBe('');
    expect(r.used).toBe(2);
  });

  it('stops at the word limit without waiting for more tokens', () => {
    const r = run(tokens, 0.01, 2);
    expect(r.shown).toBe('od is ');
    expect(r.used).toBe(3);
  });

  it('never shows a bare space: the rest of a word the user already finished is not a suggestion', () => {
    // " " ends the user's word (0.9) but "the " (0.3) is below the cut.
    const r = run([{ text: ' the', probability: 0.3, spaceProbability: 0.9 }, { text: ' model', probability: 0.1, spaceProbability: 1 }], 0.35);
    expect(r.shown).toBe('');
  });

  it('ends at a sentence end but not at an abbreviation', () => {
    const sentence: CutToken[] = [
      { text: 'results', probability: 1, spaceProbability: 0 },
      { text: '.', probability: 1, spaceProbability: 0 },
      { text: ' We', probability: 1, spaceProbability: 1 },
      { text: ' show', probability: 1, spaceProbability: 1 },
    ];
    expect(run(sentence, 0.5)).toMatchObject({ shown: 'results. ', used: 3 });
    const abbrev: CutToken[] = [{ text: 'e.g.', probability: 1, spaceProbability: 0 }, { text: ' the', probability: 1, spaceProbability: 1 }, { text: ' end', probability: 1, spaceProbability: 1 }];
    expect(run(abbrev, 0.5).shown).toBe('e.g. the ');
  });

  it('shows the last word without a space at the end of the text', () => {
    const r = run([{ text: 'work', probability: 0.9, spaceProbability: 0 }, { text: '', probability: 0.9, spaceProbability: 0, end: true }], 0.5);
    expect(r.shown).toBe('work');
  });

  it('keeps an alternative\'s forced first word and cuts only what follows it', () => {
    const alt: CutToken[] = [
      { text: ' models', probability: 0.05, spaceProbability: 1 },
      { text: ' are', probability: 0.6, spaceProbability: 0.9 },
      { text: ' used', probability: 0.3, spaceProbability: 1 },
    ];
    expect(run(alt, 0.4, 10, 0).shown).toBe('');
    // "models" free; then "are " = 0.6 × 1 ≥ 0.4, "used " = 0.18 < 0.4.
    expect(run(alt, 0.4, 10, 1).shown).toBe(' models are ');
  });

  it('with a per-word cut, the first word decides whether anything shows and each later word needs only its own probability', () => {
    // "od " = 0.72 passes 0.7; then "is " = 0.5 × 1, "a " = 0.6, "new " = 0.5 × 1, "one" never ends (no next token).
    expect(run(tokens, 0.7, 10, 0, 0.55).shown).toBe('od ');
    expect(run(tokens, 0.7, 10, 0, 0.5).shown).toBe('od is a new ');
    expect(run(tokens, 0.7, 10, 0, 0.5).confidence).toBeCloseTo(0.72 * 0.5 * 0.6 * 0.5);
    // The first word still needs minConfidence.
    expect(run(tokens, 0.8, 10, 0, 0.1).shown).toBe('');
    // After a forced word, the first cut word is the one after it.
    const alt: CutToken[] = [
      { text: ' models', probability: 0.05, spaceProbability: 1 },
      { text: ' are', probability: 0.6, spaceProbability: 0.9 },
      { text: ' used', probability: 0.3, spaceProbability: 1 },
      { text: ' to', probability: 0.9, spaceProbability: 1 },
    ];
    expect(run(alt, 0.4, 10, 1, 0.3).shown).toBe(' models are used ');
    expect(run(alt, 0.7, 10, 1, 0.3).shown).toBe(' models ');
  });

  it('with a length bonus, a candidate that saves more characters passes at a lower probability', () => {
    const long: CutToken[] = [
      { text: ' representation', probability: 0.3, spaceProbability: 1 },
      { text: ' learning', probability: 0.9, spaceProbability: 1 },
      { text: ' is', probability: 0.9, spaceProbability: 1 },
    ];
    // " representation " saves 16 - 1 = 15 characters: its cut is 0.5 · (4 / 18) ≈ 0.11.
    expect(run(long, 0.5).shown).toBe('');
    expect(run(long, 0.5, 10, 0, undefined, 3).shown).toBe(' representation learning ');
    // A one-letter completion gets no bonus: "s " saves 1 character, cut 0.5.
    const short: CutToken[] = [{ text: 's', probability: 0.45, spaceProbability: 1 }, { text: ' are', probability: 0.9, spaceProbability: 1 }];
    expect(run(short, 0.5, 1, 0, undefined, 3).shown).toBe('');
  });

  it('a stricter cut shows a prefix of what a looser one shows', () => {
    let prev = '';
    for (const c of [0.8, 0.6, 0.4, 0.2, 0.1, 0.01]) {
      const s = run(tokens, c).shown;
      expect(s.startsWith(prev)).toBe(true);
      prev = s;
    }
  });
});
