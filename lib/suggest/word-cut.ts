/**
 * The confidence cut of one suggestion, fed token by token: what may be shown
 * is the longest run of whole words (each with its following space, the unit
 * Ctrl+→ accepts) whose joint probability stays at or above `minConfidence`.
 * A word counts as whole once the next token starts with a space, so the
 * shown text always ends in whitespace (or at the model's end of text).
 * Pure: no model, so it is tested on hand-made token sequences.
 */
import { findSentenceEnd } from '../engine/sentence-end';

const isSpace = (ch: string) => ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';

export interface WordCutOptions {
  minConfidence: number;
  maxWords: number;
  /**
   * Words shown whatever their probability, with the cut applied only to what
   * follows (1 for the alternatives cycled to, whose first token was forced).
   */
  freeWords?: number;
  /**
   * When set, each word after the first cut one needs only this probability
   * given the words before it (instead of the joint probability of all of
   * them staying at or above `minConfidence`): the first word decides whether
   * anything is shown, the rest how far it goes.
   */
  nextWordConfidence?: number;
  /**
   * When set (K), a candidate that would save v characters if accepted (its
   * length minus its words: one Ctrl+→ each) needs only
   * minConfidence · (K + 1) / (K + v): a long completion that is likely right
   * is worth showing at a lower probability than a one-letter one.
   */
  lengthBonus?: number;
}

/** What WordCut needs of a token (ContinuationToken has all of it). */
export interface CutToken {
  text: string;
  probability: number;
  spaceProbability?: number;
  end?: boolean;
}

export class WordCut {
  /** All text of the branch so far. */
  private text = '';
  /** Length of text that may be shown. */
  private shownLength = 0;
  /** Probability since the last reset (the suggestion's start, the free words' end, or the last word in per-word mode). */
  private joint = 1;
  /** Probability of the shown words before the last reset (free words excluded). */
  private base = 1;
  private words = 0;
  /** Where the word being generated starts in `text`. */
  private wordStart = 0;
  private stopped = false;
  /** Joint probability of the shown text (1 while nothing is shown). */
  confidence = 1;

  constructor(private readonly opts: WordCutOptions) {}

  /** The text to show: whole words only, and nothing unless it has a word in it. */
  get shown(): string {
    const s = this.text.slice(0, this.shownLength);
    return /\S/.test(s) ? s : '';
  }

  get done(): boolean {
    return this.stopped;
  }

  /**
   * Adds one token: its visible text, its probability, the probability that
   * the token at its step starts with whitespace (default: its own, 1 or 0),
   * and `end` for the model's end of text. Returns true once the suggestion is
   * decided and generation should stop.
   */
  push(token: CutToken): boolean {
    if (this.stopped) return true;
    const { text: piece, probability } = token;
    if (token.end) {
      // The text ends here: its last word is whole without a following space.
      if (this.joint * probability >= this.threshold(this.text.length, this.words + 1)) this.confirm(this.text.length, this.base * this.joint * probability);
      return this.stop();
    }
    const before = this.joint;
    this.joint *= probability;
    const from = this.text.length;
    this.text += piece;
    for (let i = from; i < this.text.length; i++) {
      if (!isSpace(this.text[i]) || (i > 0 && isSpace(this.text[i - 1]))) continue;
      // A space right after a word: that word is whole. When the token starts with
      // the space (the usual GPT-2 " word"), the word's probability is the one
      // before it times the chance that any word starts here.
      const wordJoint = i === from ? before * (token.spaceProbability ?? (piece.length > 0 && isSpace(piece[0]) ? 1 : 0)) : this.joint;
      const hasWord = i > this.wordStart;
      if (this.text[i] === '\n' || wordJoint < this.threshold(i + 1, this.words + (hasWord ? 1 : 0))) return this.stop();
      this.confirm(i + 1, this.base * wordJoint);
      if (hasWord) this.words++;
      const free = this.opts.freeWords ?? 0;
      if (hasWord && (this.words === free || (this.opts.nextWordConfidence !== undefined && this.words > free))) {
        if (this.words > free) this.base *= wordJoint;
        this.joint = i === from ? probability : 1;
      }
      this.wordStart = i + 1;
      if (this.words >= this.opts.maxWords || findSentenceEnd(this.text.slice(0, i + 1), Math.max(0, i - 1)) >= 0) return this.stop();
    }
    if (this.joint < this.threshold(this.text.length, this.words + 1) && this.words >= (this.opts.freeWords ?? 0)) return this.stop();
    return false;
  }

  /** The cut for a candidate of `length` characters and `words` words (what accepting it would save). */
  private threshold(length: number, words: number): number {
    const free = this.opts.freeWords ?? 0;
    if (this.words < free) return 0;
    const base = this.words === free || this.opts.nextWordConfidence === undefined ? this.opts.minConfidence : this.opts.nextWordConfidence;
    const k = this.opts.lengthBonus;
    if (k === undefined) return base;
    const saved = Math.max(1, length - words);
    return (base * (k + 1)) / (k + saved);
  }

  private confirm(length: number, joint: number): void {
    this.shownLength = length;
    this.confidence = joint;
  }

  private stop(): boolean {
    this.stopped = true;
    return true;
  }
}
