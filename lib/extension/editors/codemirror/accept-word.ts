/**
 * Splits a completion for word-by-word accept (Ctrl+→): the next word is any
 * leading whitespace plus the following run of non-space characters, so
 * punctuation stays with its word ("model," is one step) and the caret lands
 * right after the word, ready for the next step.
 */
export function nextWord(text: string): string {
  const match = /^\s*\S+/u.exec(text);
  return match ? match[0] : text;
}

/** `[word, rest]` with `word + rest === text`. */
export function splitNextWord(text: string): [string, string] {
  const word = nextWord(text);
  return [word, text.slice(word.length)];
}
