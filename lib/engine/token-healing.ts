/**
 * Token healing: a prompt that ends mid-word ("We propose a meth") or in a
 * space tokenizes unlike anything seen in training ("Ġmeth" rather than
 * "Ġmethod"), so the model continues badly. We back off the last token(s)
 * and let the model regenerate them, allowing only tokens that agree with the
 * removed bytes, then hide those bytes from the output.
 */
import type { TokenBytes } from './token-bytes';
import type { TokenPool } from './sampler';

export interface HealingPlan {
  /** Prompt ids that stay as context. */
  contextIds: number[];
  /** Bytes of the backed-off tokens, which the first generated tokens must reproduce. */
  removed: Uint8Array;
}

const isSpaceByte = (b: number) => b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
/** ASCII letters and digits, and any byte of a non-ASCII character (treated as letters). */
const isWordByte = (b: number) =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b >= 0x80;

/**
 * Backs off the last token, and earlier ones while they continue the same word
 * (at most `maxTokens`), stopping at a token that starts with whitespace: that
 * is where the word began.
 */
export function planTokenHealing(ids: readonly number[], table: TokenBytes, maxTokens = 3): HealingPlan {
  let k = 0;
  let removed: Uint8Array = new Uint8Array(0);
  while (k < maxTokens && k < ids.length) {
    const tok = table.bytesOf(ids[ids.length - 1 - k]);
    if (tok.length === 0) break;
    if (k > 0 && !(isWordByte(removed[0]) && isWordByte(tok[tok.length - 1]))) break;
    const next = new Uint8Array(tok.length + removed.length);
    next.set(tok);
    next.set(removed, tok.length);
    removed = next;
    k++;
    if (isSpaceByte(tok[0])) break;
  }
  return { contextIds: ids.slice(0, ids.length - k), removed };
}

/** Which tokens may come next while the removed bytes are not yet reproduced. */
export class HealingConstraint {
  private offset = 0;

  /** @param pool reused buffer, at least as long as the largest first-byte bucket. */
  constructor(
    private readonly table: TokenBytes,
    private readonly removed: Uint8Array,
    private readonly pool: Int32Array,
  ) {}

  get active(): boolean {
    return this.offset < this.removed.length;
  }

  /**
   * Tokens whose bytes start with the rest of the removed bytes, or are a
   * (non-empty) prefix of them; only ids sharing the first byte are scanned.
   */
  allowed(): TokenPool {
    const rest = this.removed.subarray(this.offset);
    const bucket = this.table.idsStartingWith(rest[0]);
    let size = 0;
    for (let j = 0; j < bucket.length; j++) {
      const b = this.table.bytesOf(bucket[j]);
      const n = Math.min(b.length, rest.length);
      let ok = true;
      for (let i = 1; i < n; i++) {
        if (b[i] !== rest[i]) {
          ok = false;
          break;
        }
      }
      if (ok) this.pool[size++] = bucket[j];
    }
    return { ids: this.pool, size };
  }

  /** Records the chosen token. */
  advance(id: number): void {
    this.offset = Math.min(this.removed.length, this.offset + this.table.bytesOf(id).length);
  }
}
