/**
 * When to ask for an inline suggestion, for every editor kind: after a pause
 * in typing. Any keystroke cancels what is pending or running (its result
 * would be for text that no longer exists) and starts the pause again;
 * Alt+\ asks at once. The request starts a little before the pause is over
 * (EarlyStart: about as long as recent requests took), and what it shows is
 * held until the pause is over (onAnswer), so the ghost appears when the
 * pause the user set ends, not that plus the model's time. The inline switch
 * (global and per site) is read from the settings store and watched, so
 * turning it off clears at once.
 */
import { inlineEnabledFor, DEFAULT_INLINE_SETTINGS, type InlineSettings } from '../../suggest/inline-settings';
import { EarlyStart } from './early-start';

export interface SchedulerHooks {
  /** The pause is over (or Alt+\): ask for a suggestion now. */
  fire(): void;
  /** Drop what is pending or running, and its ghost if it is not final yet. */
  cancel(): void;
  /** Inline was switched off: clear everything, final ghosts included. */
  off?(): void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Milliseconds, monotonic (default performance.now). */
  clock?: () => number;
}

export class InlineScheduler {
  private timer: unknown;
  /** When the current pause ends (the last keystroke + pauseMs); what onAnswer holds waits for it. */
  private pauseEndsAt = 0;
  private held: Array<() => void> = [];
  private releaseTimer: unknown;
  private askedAt = -1;
  private readonly early = new EarlyStart();
  private readonly clock: () => number;
  private settings: InlineSettings = DEFAULT_INLINE_SETTINGS;
  private loaded = false;
  private readonly setTimer: NonNullable<SchedulerHooks['setTimer']>;
  private readonly clearTimer: NonNullable<SchedulerHooks['clearTimer']>;

  constructor(
    private readonly origin: string,
    private readonly hooks: SchedulerHooks,
  ) {
    this.setTimer = hooks.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = hooks.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.clock = hooks.clock ?? (() => performance.now());
  }

  /** Until the stored settings arrive, nothing is asked for (inline may be off for this site). */
  get enabled(): boolean {
    return this.loaded && inlineEnabledFor(this.settings, this.origin);
  }

  get current(): InlineSettings {
    return this.settings;
  }

  /** New settings (first load, or a change in any context). */
  use(settings: InlineSettings): void {
    const was = this.enabled;
    this.settings = settings;
    this.loaded = true;
    if (was && !this.enabled) {
      this.stopTimer();
      this.hooks.cancel();
      this.hooks.off?.();
    }
  }

  /** A keystroke in an editor: cancel, then ask again after the pause (the request itself a little before). */
  keystroke(): void {
    this.cancel();
    if (!this.enabled) return;
    const { pauseMs } = this.settings;
    this.pauseEndsAt = this.clock() + pauseMs;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      if (this.enabled) this.ask();
    }, pauseMs - this.early.lead(pauseMs));
  }

  /** Alt+\: ask now, and show as soon as it comes. */
  now(): void {
    this.cancel();
    this.pauseEndsAt = this.clock();
    if (this.enabled) this.ask();
  }

  /** A click, a blur: cancel without asking again. */
  cancel(): void {
    this.stopTimer();
    this.hooks.cancel();
  }

  /**
   * What the request asked for last brought (its first ghost, its final
   * candidates, or nothing to show): runs `show` once the pause is over, at
   * once if it is, else when it ends, in the order given; a keystroke, a click
   * or cancel() before then drops it, as it drops the request. The first
   * answer of a request also says how long it took, which sets how early the
   * next one is asked.
   */
  onAnswer(show: () => void): void {
    if (this.askedAt >= 0) {
      this.early.observe(this.clock() - this.askedAt);
      this.askedAt = -1;
    }
    const wait = this.pauseEndsAt - this.clock();
    if (wait <= 0 && this.held.length === 0) return show();
    this.held.push(show);
    this.releaseTimer ??= this.setTimer(() => {
      this.releaseTimer = undefined;
      const held = this.held;
      this.held = [];
      for (const fn of held) fn();
    }, Math.max(0, wait));
  }

  private ask(): void {
    this.askedAt = this.clock();
    this.hooks.fire();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    if (this.releaseTimer !== undefined) this.clearTimer(this.releaseTimer);
    this.releaseTimer = undefined;
    this.held = [];
    this.askedAt = -1;
  }
}
