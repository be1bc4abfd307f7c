/**
 * Model text made safe to insert into a LaTeX document at the caret.
 *
 * The model writes prose as abstracts are written: "improves accuracy by up
 * to 10%, and …". In a .tex file everything after that `%` on the line is a
 * comment, so accepted text would silently vanish from the PDF; a bare `&`,
 * `#` or a text-mode `_` stops compilation, and so does text that ends inside
 * `$…`, a `{` group or a command name. So, for LaTeX editors only, every ghost
 * and every Generate run goes through this before it is shown:
 *  - `%`, `&`, `#` are escaped (`\%`, …) and `_` in text mode; `_` is left
 *    alone in math, `&` where it separates cells (tabular, align, …), and
 *    nothing is changed in comments or verbatim, nor in key arguments
 *    (`\cite{…}`, `\label{…}`, `\url{…}`, where `_` is part of the name) but
 *    for `%`, which would comment out their closing brace; an escaped `\%` is
 *    already a control symbol and stays as it is. In math `%`, `#` and a `&`
 *    that separates no cells are escaped too: bare, they would comment out the
 *    closing `$` or stop compilation;
 *  - the text is cut back to the last point where it may end: nothing it
 *    opened (inline or display math, a brace group, `[…]` of a command, an
 *    environment) still open, no command name or argument half written. While
 *    streaming, the unsafe tail is held back: it is shown as soon as the
 *    model's next tokens close what it opened, and dropped if they never do.
 * The document before the caret is read first, so the caret's own situation
 * counts: inside `$…$` a `_` stays bare and the model may close the math; in a
 * `%` comment nothing is escaped up to the end of the line. What the caller
 * shows only grows while streaming (escaping depends only on what came before).
 */
import { LatexScanner } from './latex-safe-scanner';

export class LatexSafeStream {
  private readonly scanner = new LatexScanner();
  /** The model's text so far, escaped. */
  private escaped = '';
  /** How much of `escaped` may be shown: up to the last safe point. */
  private safeLength = 0;

  /** `before`: the document's text before the caret (the prompt; its tail is enough). */
  constructor(before: string) {
    this.scanner.read(before);
  }

  /** Adds the model's next text; returns all that may be shown so far. */
  push(delta: string): string {
    for (const ch of delta) {
      this.escaped += this.scanner.write(ch);
      if (this.scanner.safe) this.safeLength = this.escaped.length;
    }
    return this.text;
  }

  /** All that may be shown (or inserted, once the model is done) so far. */
  get text(): string {
    return this.escaped.slice(0, this.safeLength);
  }
}

/** `text` (the model's whole continuation of `before`) as it may be inserted into a LaTeX document. */
export function latexSafe(before: string, text: string): string {
  return new LatexSafeStream(before).push(text);
}

/** Where the caret is in math, by the same reading (for callers and tests). */
export function caretInMath(before: string): boolean {
  const scanner = new LatexScanner();
  scanner.read(before);
  return scanner.inMath;
}
