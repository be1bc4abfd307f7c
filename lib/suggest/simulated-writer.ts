/**
 * The simulated writer of the keystroke metric (docs/INLINE.md): it types a
 * text from its 6th word on, one character at a time, and before each
 * character looks at the suggestion for what it has typed. A context (the
 * document before the text: earlier paragraphs, headings) comes first in what
 * the model sees, as in the editor, and is not typed. Where the extension
 * would show nothing (lib/suggest/trigger.ts: a LaTeX command name, the
 * braces of \cite{ \ref{ \label{ \begin{, a comment) the writer asks for
 * nothing and types on. The rest of the
 * true text splits into units (the rest of the current word with its
 * following whitespace, then each next word with its own); when the
 * suggestion starts with one or more whole units the writer accepts them all,
 * one keystroke (Ctrl+→) per unit, otherwise it types one character.
 * Only accounting here: the suggestion comes from a callback.
 */
import { maySuggest } from './trigger';

export interface WriterTally {
  /** Characters from the start point to the end (what a writer without suggestions types). */
  chars: number;
  /** Characters entered by accepting units, and the keystrokes that accepted them. */
  acceptedChars: number;
  acceptKeystrokes: number;
  typedChars: number;
  /** Suggestions looked at, non-empty ones, and non-empty ones with at least one accepted unit. */
  requests: number;
  shown: number;
  useful: number;
  /** Positions where the trigger rules allow no suggestion (none asked for: the writer typed one character). */
  held: number;
}

export const emptyTally = (): WriterTally => ({ chars: 0, acceptedChars: 0, acceptKeystrokes: 0, typedChars: 0, requests: 0, shown: 0, useful: 0, held: 0 });

export function addTally(into: WriterTally, t: WriterTally): WriterTally {
  for (const k of Object.keys(into) as Array<keyof WriterTally>) into[k] += t[k];
  return into;
}

/** (characters entered by accepting − accept keystrokes) / characters from the start point. */
export const keystrokeSaving = (t: WriterTally) => (t.chars === 0 ? 0 : (t.acceptedChars - t.acceptKeystrokes) / t.chars);
/** Suggestions with at least one accepted unit / suggestions shown. */
export const suggestionPrecision = (t: WriterTally) => (t.shown === 0 ? 0 : t.useful / t.shown);

/** Index where the `word`-th whitespace-separated word (1-based) starts, or -1 when the text is shorter. */
export function startOfWord(text: string, word: number): number {
  const re = /\S+/g;
  for (let i = 1; ; i++) {
    const m = re.exec(text);
    if (!m) return -1;
    if (i === word) return m.index;
  }
}

/** The first units of `rest`: word characters (possibly none) and the whitespace after them; the last may lack it. */
export function nextUnits(rest: string, max: number): string[] {
  const out: string[] = [];
  const re = /\S*\s+|\S+$/y;
  while (out.length < max) {
    const m = re.exec(rest);
    if (!m || m[0] === '') break;
    out.push(m[0]);
  }
  return out;
}

/** How many whole units `suggestion` starts with, and their length. */
export function acceptedUnits(suggestion: string, rest: string): { units: number; length: number } {
  let units = 0;
  let length = 0;
  const re = /\S*\s+|\S+$/y;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const unit = m[0];
    if (length + unit.length > suggestion.length || !suggestion.startsWith(unit, length)) break;
    // The text's last word has no space after it: "test" must not accept the suggestion "testing".
    const after = suggestion[length + unit.length];
    if (/\S$/.test(unit) && after !== undefined && /\S/.test(after)) break;
    units++;
    length += unit.length;
  }
  return { units, length };
}

export const WRITER_START_WORD = 6;

export interface WriterOptions {
  /** The document before the text, as the editor has it (its line breaks included): seen by the model, never typed. */
  context?: string;
  /** The word (1-based) of `text` the writer starts typing at. */
  startWord?: number;
}

/**
 * Types `text` with the help of `suggestFor(before)`, `before` being the
 * context and the text typed so far; returns its tally (all zero when the text
 * has fewer than `startWord` words).
 */
export async function simulateWriter(text: string, suggestFor: (before: string) => Promise<string>, options: WriterOptions = {}): Promise<WriterTally> {
  const { context = '', startWord = WRITER_START_WORD } = options;
  const t = emptyTally();
  let pos = startOfWord(text, startWord);
  if (pos < 0) return t;
  t.chars = text.length - pos;
  while (pos < text.length) {
    const before = context + text.slice(0, pos);
    // The writer types at the end of its line: nothing follows the caret.
    if (!maySuggest({ before, after: '' })) {
      t.held++;
      t.typedChars++;
      pos++;
      continue;
    }
    const suggestion = await suggestFor(before);
    t.requests++;
    if (suggestion !== '') t.shown++;
    const { units, length } = suggestion === '' ? { units: 0, length: 0 } : acceptedUnits(suggestion, text.slice(pos));
    if (units > 0) {
      t.useful++;
      t.acceptKeystrokes += units;
      t.acceptedChars += length;
      pos += length;
    } else {
      t.typedChars++;
      pos++;
    }
  }
  return t;
}
