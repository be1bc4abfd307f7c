/**
 * Turns the token bytes of a completion into text deltas. Bytes go through a
 * streaming TextDecoder, which holds back an incomplete UTF-8 sequence until
 * its last byte arrives, so a character split across tokens is never shown
 * half-done and the deltas concatenate exactly to the final text.
 */
import { findSentenceEnd, stableLength } from './sentence-end';

export class CompletionStream {
  private readonly decoder = new TextDecoder('utf-8');
  private full = '';
  private sent = '';
  private skip: number;
  private scannedTo = 0;
  private ended = false;

  /**
   * @param skipBytes leading bytes of the generated tokens that belong to the
   *   prompt (the part token healing backed off), never shown.
   */
  constructor(
    skipBytes: number,
    private readonly stopAtSentenceEnd: boolean,
    private readonly onDelta?: (delta: string) => void,
  ) {
    this.skip = skipBytes;
  }

  /** Adds one token's bytes. Returns true when a sentence end was reached and generation should stop. */
  push(bytes: Uint8Array): boolean {
    if (this.ended) return true;
    if (this.skip > 0) {
      const drop = Math.min(this.skip, bytes.length);
      this.skip -= drop;
      bytes = bytes.subarray(drop);
    }
    if (bytes.length === 0) return false;
    this.full += this.decoder.decode(bytes, { stream: true });
    if (!this.stopAtSentenceEnd) {
      this.emitUpTo(this.full.length);
      return false;
    }
    // Re-check one char back: a held-back mark is decided by what follows it.
    const end = findSentenceEnd(this.full, Math.max(0, this.scannedTo - 1));
    if (end >= 0) {
      this.full = this.full.slice(0, end);
      this.emitUpTo(end);
      this.ended = true;
      return true;
    }
    this.scannedTo = this.full.length;
    this.emitUpTo(stableLength(this.full));
    return false;
  }

  /** Text already handed to onDelta. */
  get emitted(): string {
    return this.sent;
  }

  /**
   * Ends the stream: shows what was held back and returns the final text. A
   * trailing incomplete character is dropped rather than shown as U+FFFD.
   */
  finish(): string {
    this.emitUpTo(this.full.length);
    return this.full;
  }

  private emitUpTo(n: number): void {
    if (n <= this.sent.length) return;
    const delta = this.full.slice(this.sent.length, n);
    this.sent += delta;
    this.onDelta?.(delta);
  }
}
