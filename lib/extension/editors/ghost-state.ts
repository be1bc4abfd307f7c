/**
 * The state of one inline suggestion on screen, shared by every editor kind
 * (pure: the editors only draw `shown` and insert what `take*` returns):
 * the candidates, which one is shown, and how much of it the user has already
 * typed or accepted. Typing the characters the ghost shows consumes them and
 * keeps the rest; Alt+] / Alt+[ cycle among the candidates that still agree
 * with what was typed since the suggestion appeared. A typing pause brings
 * the ghost alone; a cycle asked for before the alternatives arrive is kept
 * and done when they do (the ghost stays on screen meanwhile).
 */
import { splitNextWord } from './codemirror/accept-word';

export class GhostState {
  private candidates: string[] = [];
  private index = 0;
  /** Text typed or accepted since the suggestion appeared (a prefix of the shown candidate). */
  private typed = '';
  /** A cycle asked for when there was nothing to cycle to yet. */
  private pending: 1 | -1 | 0 = 0;

  constructor(candidates: string[] = []) {
    this.setCandidates(candidates);
  }

  /** What is still shown after the caret ('' when nothing is). */
  get shown(): string {
    return (this.candidates[this.index] ?? '').slice(this.typed.length);
  }

  get count(): number {
    return this.candidates.length;
  }

  /** Characters typed or accepted since the suggestion appeared. */
  get consumed(): number {
    return this.typed.length;
  }

  /** Which candidate is shown (0-based). */
  get current(): number {
    return this.index;
  }

  /**
   * New candidates for the same caret (the first word streamed, then the final
   * list). Keeps the one shown if it is still offered; only candidates that
   * agree with what was typed are kept.
   */
  setCandidates(candidates: string[]): void {
    const shownFull = this.candidates[this.index];
    this.candidates = [...new Set(candidates)].filter((c) => c.length > this.typed.length && c.startsWith(this.typed));
    const keep = shownFull === undefined ? -1 : this.candidates.indexOf(shownFull);
    this.index = keep >= 0 ? keep : 0;
    const step = this.pending;
    this.pending = 0;
    if (step !== 0) this.cycle(step);
  }

  /**
   * The user typed `text` at the caret. True when it is what the ghost showed
   * next (consumed; the rest stays); false when it differs (the ghost must go).
   */
  type(text: string): boolean {
    if (!text || !this.shown.startsWith(text)) return false;
    const shownFull = this.candidates[this.index]!;
    this.typed += text;
    // The shown candidate agrees by construction; the others only if they do too.
    this.candidates = this.candidates.filter((c) => c.startsWith(this.typed));
    this.index = this.candidates.indexOf(shownFull);
    return true;
  }

  /** Accepts the next word (Ctrl+→): returns the text to insert. */
  takeWord(): string {
    const [word] = splitNextWord(this.shown);
    this.type(word);
    return word;
  }

  /** Accepts everything shown (Tab): returns the text to insert. */
  takeAll(): string {
    const rest = this.shown;
    this.type(rest);
    return rest;
  }

  /**
   * Shows the next (+1) or previous (-1) candidate; false when there is no
   * other yet, in which case the next setCandidates does the cycle.
   */
  cycle(step: 1 | -1): boolean {
    const n = this.candidates.length;
    for (let i = 1; i < n; i++) {
      const j = (this.index + step * i + n * n) % n;
      if (this.candidates[j]!.length > this.typed.length) {
        this.index = j;
        return true;
      }
    }
    this.pending = step;
    return false;
  }
}
