/**
 * When an inline suggestion may be asked for, from the text around the caret
 * alone (pure, so every editor kind and the tests share one set of rules):
 *  - only at the end of a line, or where only whitespace / closing brackets
 *    follow on that line (a suggestion mid-line would push the user's text);
 *  - never with a selection;
 *  - not inside a LaTeX command name (`\sec|`): the model would guess macro
 *    names, and Overleaf's own autocomplete owns that spot;
 *  - not inside the braces of keys and names (`\cite{`, `\ref{`, `\label{`,
 *    `\begin{`, `\end{` and their variants): prose there is always wrong;
 *  - not in a `%` comment.
 */

export type TriggerVerdict =
  | { ok: true }
  | { ok: false; reason: 'empty' | 'selection' | 'mid-line' | 'command-name' | 'key-braces' | 'comment' };

export interface CaretContext {
  /** Text before the caret (the tail is enough: the current line and a little more). */
  before: string;
  /** Text after the caret (the rest of the current line is enough). */
  after: string;
  /** True when something is selected. */
  selection?: boolean;
}

/** What may follow the caret on its line: whitespace and closing brackets. */
const ONLY_CLOSERS = /^[ \t)\]}>]*(?:\r?\n|$)/;
/** A command name being typed: an unescaped backslash and letters up to the caret (`\\` is a line break). */
const IN_COMMAND_NAME = /(?:^|[^\\])(?:\\\\)*\\[A-Za-z@]*\*?$/;
/**
 * Braces whose content is a key, label or name: any \…cite…, \…ref…
 * (\ref, \eqref, \autoref, \cref, \Cref, \pageref…), \label, \begin, \end,
 * and the file / package / link commands, with optional `*` and `[…]` arguments.
 */
const KEY_COMMAND = String.raw`\\(?:[A-Za-z]*(?:cite|ref)[A-Za-z]*|label|begin|end|input|include|includegraphics|usepackage|documentclass|bibliography|bibliographystyle|url|nocite)`;
const IN_KEY_BRACES = new RegExp(`${KEY_COMMAND}\\*?\\s*(?:\\[[^\\]\\n]*\\]\\s*)*\\{[^{}\\n]*$`);

/** The current line up to the caret. */
function lineBefore(before: string): string {
  const nl = before.lastIndexOf('\n');
  return nl < 0 ? before : before.slice(nl + 1);
}

/** True when an unescaped `%` starts a comment before the caret on this line. */
function inComment(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++; // `\%` and `\\` are not comment starts
      continue;
    }
    if (line[i] === '%') return true;
  }
  return false;
}

export function triggerVerdict(ctx: CaretContext): TriggerVerdict {
  if (ctx.selection) return { ok: false, reason: 'selection' };
  if (ctx.before.trim() === '') return { ok: false, reason: 'empty' };
  if (!ONLY_CLOSERS.test(ctx.after)) return { ok: false, reason: 'mid-line' };
  const line = lineBefore(ctx.before);
  if (inComment(line)) return { ok: false, reason: 'comment' };
  if (IN_COMMAND_NAME.test(line)) return { ok: false, reason: 'command-name' };
  if (IN_KEY_BRACES.test(line)) return { ok: false, reason: 'key-braces' };
  return { ok: true };
}

export function maySuggest(ctx: CaretContext): boolean {
  return triggerVerdict(ctx).ok;
}
