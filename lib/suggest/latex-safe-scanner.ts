/**
 * The LaTeX state machine behind latex-safe.ts: reads the document before the
 * caret (to learn where the caret is: text or math, inside which groups and
 * environments, in a `%` comment or not), then the model's text one character
 * at a time, escaping the characters that would break or silently cut the
 * document (`%` comments the rest of the line out, `&` and `#` are alignment
 * and macro-parameter characters, `_` is only legal in math) and saying after
 * each one whether the text so far could end there.
 *
 * It knows only as much LaTeX as that needs: groups (`{…}`, `[…]` right after
 * a command, `$…$`, `$$…$$`, `\(…\)`, `\[…\]`, `\begin{…}…\end{…}`), which of
 * them are math, which brace groups hold text inside math (`\text{…}`) or keys
 * (`\cite{…}`, `\label{…}`, `\url{…}`: left as written), comments, `\verb` and
 * verbatim environments (left as written). The commands and environments it
 * knows by name are in latex-vocabulary.ts.
 */
import { ACCENTS, ALIGN_ENVS, KEY_COMMAND, MATH_ENVS, TEXT_COMMANDS, VERBATIM_ENVS, isLetter, isSpace } from './latex-vocabulary';

type Group =
  | { kind: 'brace'; inserted: boolean; text: boolean; key: boolean; env?: 'begin' | 'end'; name: string }
  | { kind: 'math'; open: '$' | '$$' | '\\(' | '\\['; inserted: boolean }
  | { kind: 'env'; name: string; inserted: boolean }
  /** `[…]` right after a command (`\cite[p.~5]{…}`, `\\[2pt]`): the command still takes its `{…}` after it. */
  | { kind: 'opt'; inserted: boolean; command: string };

/**
 * normal: between tokens; backslash: a `\` was just read; command: reading a
 * command's letters; dollar: a `$` whose meaning depends on the next character
 * (`$` or `$$`); comment: after a `%` up to the end of the line; verbStart /
 * verb: `\verb` waiting for its delimiter / inside it; verbatim: inside a
 * verbatim environment.
 */
type Lexical = 'normal' | 'backslash' | 'command' | 'dollar' | 'comment' | 'verbStart' | 'verb' | 'verbatim';

export class LatexScanner {
  private stack: Group[] = [];
  private lexical: Lexical = 'normal';
  private commandName = '';
  /** The last command, while what follows may still be its argument (spaces, `*`, `[…]` in between). */
  private pendingCommand = '';
  /** A command, accent, `_` or `^` wants an argument that has not come yet. */
  private awaitingArg = false;
  private verbDelimiter = '';
  /** Whose `$` the pending one (lexical 'dollar') is: the math it opens is theirs to close. */
  private dollarInserted = false;
  /** The end of a verbatim environment's body so far, to find its `\end{name}`. */
  private verbatimTail = '';
  /** Line ends since the last character that is not white space: 2 or more is a blank line (the paragraph ended). */
  private blankRun = 0;
  /** The model's text broke the structure (a `}` or `\end` that closes nothing it may close): no later point is safe. */
  private broken = false;
  /** The character being read is the model's (escape it, count its groups as open) or the document's. */
  private inserted = false;

  /** Reads the document's text (before the caret): state only, nothing escaped. */
  read(text: string): void {
    this.inserted = false;
    for (const ch of text) this.step(ch);
  }

  /** Reads the model's text; returns it with the characters that need it escaped. */
  write(text: string): string {
    this.inserted = true;
    let out = '';
    for (const ch of text) out += this.step(ch);
    return out;
  }

  /** The model's text may end here: nothing it opened is still open, and no command or argument is half written. */
  get safe(): boolean {
    return (
      !this.broken &&
      !this.awaitingArg &&
      (this.lexical === 'normal' || this.lexical === 'comment' || (this.lexical === 'verbatim' && !this.top()?.inserted)) &&
      !this.stack.some((group) => group.inserted)
    );
  }

  /** The caret is in math (for tests and callers that want to know); a `$` just read opens math whatever follows it. */
  get inMath(): boolean {
    return this.mode() === 'math' || this.lexical === 'dollar';
  }

  private top(): Group | undefined {
    return this.stack[this.stack.length - 1];
  }

  /** Text, math or key, from the innermost group that decides it. */
  private mode(): 'text' | 'math' | 'key' {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const group = this.stack[i]!;
      if (group.kind === 'math') return 'math';
      if (group.kind === 'env' && MATH_ENVS.has(group.name)) return 'math';
      if (group.kind === 'brace' && group.key) return 'key';
      if (group.kind === 'brace' && group.text) return 'text';
    }
    return 'text';
  }

  private push(group: Group): void {
    this.stack.push(group);
  }

  /** The model closed something it may not (or that was never open): the document's own mismatches are ignored. */
  private mismatch(): void {
    if (this.inserted) this.broken = true;
  }

  private step(ch: string): string {
    switch (this.lexical) {
      case 'comment':
        if (ch === '\n') {
          this.lexical = 'normal';
          // The comment's line had text, so this line end starts a line: an empty one after it ends the paragraph.
          this.blankRun = 1;
        }
        return ch;
      case 'verbStart':
        if (ch === '*' && this.verbDelimiter === '') {
          this.verbDelimiter = '*';
          return ch;
        }
        this.verbDelimiter = ch;
        this.lexical = 'verb';
        return ch;
      case 'verb':
        if (ch === this.verbDelimiter) this.lexical = 'normal';
        return ch;
      case 'verbatim':
        return this.verbatim(ch);
      case 'backslash':
        return this.afterBackslash(ch);
      case 'command':
        if (isLetter(ch)) {
          this.commandName += ch;
          return ch;
        }
        this.endCommand();
        if (this.commandName === 'verb') {
          this.lexical = 'verbStart';
          this.verbDelimiter = '';
          this.awaitingArg = false;
          return this.step(ch);
        }
        return this.normal(ch);
      case 'dollar':
        return this.afterDollar(ch);
      case 'normal':
        return this.normal(ch);
    }
  }

  private verbatim(ch: string): string {
    this.verbatimTail = (this.verbatimTail + ch).slice(-40);
    const group = this.top();
    if (group?.kind === 'env' && this.verbatimTail.endsWith(`\\end{${group.name}}`)) {
      this.stack.pop();
      this.lexical = 'normal';
    }
    return ch;
  }

  private afterBackslash(ch: string): string {
    if (isLetter(ch)) {
      this.lexical = 'command';
      this.commandName = ch;
      return ch;
    }
    this.lexical = 'normal';
    this.pendingCommand = ch === '\\' ? '\\' : '';
    this.awaitingArg = ACCENTS.has(ch);
    if (ch === '(' || ch === '[') this.push({ kind: 'math', open: `\\${ch}`, inserted: this.inserted });
    else if (ch === ')' || ch === ']') this.closeMath(`\\${ch === ')' ? '(' : '['}`);
    else if (ch === '\n') this.newline();
    return ch;
  }

  private endCommand(): void {
    this.lexical = 'normal';
    this.pendingCommand = this.commandName;
    this.awaitingArg = true;
  }

  private afterDollar(ch: string): string {
    this.lexical = 'normal';
    const group = this.top();
    if (group?.kind === 'math' && group.open === '$$') {
      // Inside `$$…$$` only `$$` closes; a lone `$` there is an error.
      if (ch === '$') {
        this.stack.pop();
        return ch;
      }
      this.mismatch();
      return this.normal(ch);
    }
    // The math was opened by whoever wrote its first `$`: the character after it only says which math.
    if (ch === '$') {
      this.push({ kind: 'math', open: '$$', inserted: this.dollarInserted });
      return ch;
    }
    this.push({ kind: 'math', open: '$', inserted: this.dollarInserted });
    return this.normal(ch);
  }

  private closeMath(open: '$' | '\\(' | '\\['): void {
    const group = this.top();
    if (group?.kind === 'math' && group.open === open) this.stack.pop();
    else this.mismatch();
  }

  /** A character between tokens; returns what the model's character becomes. */
  private normal(ch: string): string {
    const pending = this.pendingCommand;
    // `*` and `[…]` after a command still lead to its argument (`\section*{…}`, `\cite[p.~5]{…}`).
    if (!isSpace(ch) && !(pending !== '' && (ch === '*' || ch === '['))) {
      this.awaitingArg = false;
      if (ch !== '{') this.pendingCommand = '';
    }
    if (ch === '\n') this.newline();
    else if (!isSpace(ch)) this.blankRun = 0;
    switch (ch) {
      case '\\':
        this.lexical = 'backslash';
        return ch;
      case '%':
        if (this.inserted) return '\\%';
        this.lexical = 'comment';
        return ch;
      case '$':
        return this.dollar(ch);
      case '{':
        this.openBrace(pending);
        return ch;
      case '}':
        this.closeBrace();
        return ch;
      case '[':
        if (pending !== '') this.push({ kind: 'opt', inserted: this.inserted, command: pending });
        else this.nameChar(ch);
        return ch;
      case ']': {
        const group = this.top();
        if (group?.kind === 'opt') {
          this.stack.pop();
          this.pendingCommand = group.command;
          this.awaitingArg = group.command !== '\\';
        } else this.nameChar(ch);
        return ch;
      }
      case '*':
        if (pending === '') this.nameChar(ch);
        return ch;
      default:
        this.nameChar(ch);
        return this.inserted ? this.escape(ch) : ch;
    }
  }

  private dollar(ch: string): string {
    const group = this.top();
    if (this.mode() === 'math') {
      if (group?.kind === 'math' && group.open === '$') this.stack.pop();
      else if (group?.kind === 'math' && group.open === '$$') this.lexical = 'dollar';
      // `$` in display math or in a group inside `$…$`: an error the model must not end on.
      else this.mismatch();
      return ch;
    }
    this.lexical = 'dollar';
    this.dollarInserted = this.inserted;
    return ch;
  }

  private escape(ch: string): string {
    const mode = this.mode();
    if (mode === 'key') return ch;
    switch (ch) {
      case '#':
        return '\\#';
      case '&': {
        const group = this.top();
        return group?.kind === 'env' && ALIGN_ENVS.has(group.name) ? ch : '\\&';
      }
      case '_':
      case '^':
        if (mode === 'math') {
          this.awaitingArg = true;
          return ch;
        }
        // Bare in text, either stops the compile with "Missing $ inserted".
        return ch === '_' ? '\\_' : '\\textasciicircum{}';
      default:
        return ch;
    }
  }

  /** A character of an environment's name (`\begin{name}`), if that is what is being read. */
  private nameChar(ch: string): void {
    const group = this.top();
    if (group?.kind === 'brace' && group.env) group.name += ch;
  }

  private openBrace(command: string): void {
    this.pendingCommand = '';
    const key = KEY_COMMAND.test(command);
    const env = command === 'begin' || command === 'end' ? command : undefined;
    this.push({ kind: 'brace', inserted: this.inserted, text: TEXT_COMMANDS.has(command), key, env, name: '' });
  }

  private closeBrace(): void {
    const group = this.top();
    if (group?.kind !== 'brace') return this.mismatch();
    this.stack.pop();
    if (group.env === 'begin') this.beginEnvironment(group.name.trim());
    else if (group.env === 'end') this.endEnvironment(group.name.trim());
  }

  private beginEnvironment(name: string): void {
    this.push({ kind: 'env', name, inserted: this.inserted });
    if (VERBATIM_ENVS.has(name)) {
      this.lexical = 'verbatim';
      this.verbatimTail = '';
    }
  }

  private endEnvironment(name: string): void {
    const group = this.top();
    if (group?.kind === 'env' && group.name === name) this.stack.pop();
    else this.mismatch();
  }

  /**
   * A blank line ends the paragraph, and math cannot span paragraphs: the
   * document's open math is forgotten there (so a text before the caret that
   * starts inside math, cut off by the prompt limit, is right again from the
   * next paragraph on); the model's open math there is an error.
   */
  private newline(): void {
    this.blankRun += 1;
    if (this.blankRun < 2) return;
    const first = this.stack.findIndex((group) => group.kind === 'math');
    if (first < 0) return;
    if (this.stack.slice(first).some((group) => group.inserted)) this.mismatch();
    else this.stack.length = first;
  }
}
