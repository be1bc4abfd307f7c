/**
 * The n-gram draft table shipped beside a model (draft-ngrams.bin, built by
 * model_creation/make_draft_table.py from the model's own greedy
 * continuations): the next token the model most often chose after a 1–4-token
 * context. Drafts are only proposals; the generator verifies them in one
 * forward run, so a wrong draft costs time, never a different output.
 *
 * Format (little-endian, see model_creation/aacomplete/draft_table.py):
 * "AADT", u32 version 1, u32 vocab, u32 orders, f32 chainMin, u32 0;
 * per order (ascending) u32 order + u32 count; per order f64 keys
 * (sorted; ((t0·V + t1)·V + …) oldest first), u16 next, u8 round(p·255), pad to 8.
 */

interface OrderTable {
  order: number;
  keys: Float64Array;
  next: Uint16Array;
  prob: Uint8Array;
}

export class DraftTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftTableError';
  }
}

export class DraftTable {
  /** Longest context first. */
  private readonly orders: OrderTable[];

  private constructor(
    readonly vocabSize: number,
    /** Drafting stops once the product of the drafted tokens' probabilities would fall below this. */
    readonly chainMin: number,
    orders: OrderTable[],
  ) {
    this.orders = [...orders].sort((a, b) => b.order - a.order);
  }

  /** Entries per context length, e.g. {1: 3613, 2: 11720, …}. */
  get entries(): Record<number, number> {
    return Object.fromEntries(this.orders.map((t) => [t.order, t.keys.length]));
  }

  static parse(bytes: Uint8Array, expectedVocab: number): DraftTable {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const fail = (why: string): never => {
      throw new DraftTableError(`draft table is unusable: ${why}`);
    };
    if (bytes.byteLength < 24 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'AADT') fail('not a draft table (bad magic)');
    const version = view.getUint32(4, true);
    if (version !== 1) fail(`unknown version ${version}`);
    const vocab = view.getUint32(8, true);
    if (vocab !== expectedVocab) fail(`built for a vocabulary of ${vocab}, the model has ${expectedVocab}`);
    const n = view.getUint32(12, true);
    const chainMin = view.getFloat32(16, true);
    if (n > 8) fail(`${n} context lengths (at most 8)`);
    // The header ends at 24 + 8·n, already a multiple of 8.
    let off = 24 + 8 * n;
    if (off > bytes.byteLength) fail('truncated header');
    // Copies, so the typed arrays are aligned whatever the source buffer's offset.
    const copy = (len: number) => {
      if (off + len > bytes.byteLength) fail('truncated body');
      const b = bytes.slice(off, off + len);
      off += len;
      return b.buffer;
    };
    const orders: OrderTable[] = [];
    for (let i = 0; i < n; i++) {
      const order = view.getUint32(24 + 8 * i, true);
      const count = view.getUint32(28 + 8 * i, true);
      if (order < 1 || vocab ** order > Number.MAX_SAFE_INTEGER) fail(`order ${order} does not fit a float64 key`);
      const keys = new Float64Array(copy(8 * count));
      const next = new Uint16Array(copy(2 * count));
      const prob = new Uint8Array(copy(count));
      off = Math.ceil(off / 8) * 8;
      for (let j = 1; j < count; j++) if (!(keys[j - 1] < keys[j])) fail(`order ${order} keys are not sorted`);
      for (let j = 0; j < count; j++) if (next[j] >= vocab) fail(`order ${order} names token ${next[j]} outside the vocabulary`);
      orders.push({ order, keys, next, prob });
    }
    return new DraftTable(vocab, chainMin, orders);
  }

  /**
   * Up to `max` tokens to follow `history`: at each step the entry of the
   * longest context the table knows, while the joint probability of the
   * drafted tokens stays at or above `chainMin` (default: the table's).
   */
  draft(history: readonly number[], max: number, chainMin = this.chainMin): number[] {
    const out: number[] = [];
    let joint = 1;
    // Context = last tokens of history followed by what has been drafted so far.
    const at = (back: number): number => (back <= out.length ? out[out.length - back] : history[history.length - (back - out.length)]);
    const available = () => history.length + out.length;
    while (out.length < max) {
      let hit = -1;
      let p = 0;
      for (const t of this.orders) {
        if (available() < t.order || t.keys.length === 0) continue;
        let key = 0;
        for (let back = t.order; back >= 1; back--) key = key * this.vocabSize + at(back);
        const i = lowerBound(t.keys, key);
        if (i < t.keys.length && t.keys[i] === key) {
          hit = t.next[i];
          p = t.prob[i] / 255;
          break;
        }
      }
      if (hit < 0) break;
      joint *= p;
      if (joint < chainMin) break;
      out.push(hit);
    }
    return out;
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
