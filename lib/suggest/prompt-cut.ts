/**
 * Where the text sent to the model begins. Every editor cuts the text before
 * the caret here, so that one document always starts its prompt at the same
 * place while the writer types on: the engine's prefix KV cache can only reuse
 * a prompt whose beginning did not change. A cut exactly MAX_PROMPT_CHARS
 * before the caret would move with every keystroke and make every suggestion
 * in a long document a full prefill.
 */
import { MAX_PROMPT_CHARS } from '../extension/protocol';

/** The cut moves in steps of this many characters, counted from the document start. */
export const PROMPT_CUT_STEP = 500;

/**
 * The offset the prompt starts at, for a caret at `caret` (characters from the
 * document start): the first multiple of the step at or after caret - maxChars,
 * so the prompt is at most maxChars long and its start only moves once the
 * writer has typed a whole step. The step shrinks with small maxChars so a
 * prompt keeps at least three quarters of it. `codeAt` reads the document's
 * UTF-16 code unit at an offset: a cut never splits a surrogate pair.
 */
export function promptStart(caret: number, codeAt: (offset: number) => number, maxChars = MAX_PROMPT_CHARS, step = PROMPT_CUT_STEP): number {
  if (caret <= maxChars) return 0;
  const stride = Math.max(1, Math.min(step, Math.floor(maxChars / 4)));
  let start = Math.ceil((caret - maxChars) / stride) * stride;
  const code = codeAt(start);
  if (start < caret && code >= 0xdc00 && code <= 0xdfff) start += 1;
  return start;
}

/** The part of `text` (everything before the caret, from the document start) that the model sees. */
export function promptTail(text: string, maxChars = MAX_PROMPT_CHARS): string {
  return text.slice(promptStart(text.length, (i) => text.charCodeAt(i), maxChars));
}
