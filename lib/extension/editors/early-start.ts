/**
 * How much earlier than the end of the typing pause to ask for a suggestion,
 * so that its ghost is ready when the pause the user set is over (its display
 * is held until then: see InlineScheduler.onAnswer). The lead is the time
 * the slowest of the last WINDOW requests took from asking to its first ghost
 * (or to nothing to show), never more than LEAD_SHARE of the pause: a
 * keystroke in the last part of the pause cancels a request already started,
 * which costs the engine a run or two, and the share bounds that cost.
 */

/** Recent requests remembered. */
const WINDOW = 8;
/** At most this share of the pause is spent asking early. */
export const LEAD_SHARE = 0.4;

export class EarlyStart {
  private readonly recent: number[] = [];

  /** A request took `ms` from asking to its first ghost (or its empty answer). */
  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.recent.push(ms);
    if (this.recent.length > WINDOW) this.recent.shift();
  }

  /** How many ms before the end of a `pauseMs` pause to ask (0 until a request has been measured). */
  lead(pauseMs: number): number {
    if (this.recent.length === 0) return 0;
    return Math.min(Math.max(...this.recent), LEAD_SHARE * pauseMs);
  }
}
