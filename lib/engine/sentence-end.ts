/**
 * Where a completion should stop when stopAtSentenceEnd is on. A sentence ends
 * at ".", "?" or "!" followed by whitespace, or at a newline. "e.g. the" and
 * "Fig. 3" are not ends (a short list of abbreviations plus single-letter
 * initials); "3.5" never is, because a digit rather than a space follows.
 */

const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'al', 'vs', 'cf', 'fig', 'figs', 'eq', 'eqs', 'approx', 'resp', 'sec', 'ref', 'refs',
  'no', 'viz', 'ca', 'dr', 'mr', 'ms', 'prof', 'tab', 'thm', 'def', 'ch',
]);

const isSpace = (ch: string) => ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';

/** The word that ends just before `i`, without opening brackets or quotes. */
function wordBefore(text: string, i: number): string {
  let j = i;
  while (j > 0 && !isSpace(text[j - 1])) j--;
  return text.slice(j, i).replace(/^[("'[]+/, '').toLowerCase();
}

function isAbbreviation(text: string, dot: number): boolean {
  const word = wordBefore(text, dot);
  return ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word);
}

/**
 * Length of the text to keep: just past the first sentence-ending mark at or
 * after `from`, or just before a newline; -1 when there is none yet.
 */
export function findSentenceEnd(text: string, from = 0): number {
  for (let i = Math.max(0, from); i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') return i;
    if ((ch === '.' || ch === '?' || ch === '!') && i + 1 < text.length && isSpace(text[i + 1])) {
      if (ch === '.' && isAbbreviation(text, i)) continue;
      return i + 1;
    }
  }
  return -1;
}

/**
 * How much of the text can be shown before the next token arrives: a trailing
 * mark might turn out to end the sentence (". ") or not ("3.5"), and either
 * way it is shown once that is known, so it is held back until then.
 */
export function stableLength(text: string): number {
  const last = text[text.length - 1];
  return last === '.' || last === '?' || last === '!' ? text.length - 1 : text.length;
}
