/**
 * When to ask for an inline suggestion, for every editor kind: after a pause
 * in typing. Any keystroke cancels what is pending or running (its result
 * would be for text that no longer exists) and starts the pause again;
 * Alt+\ asks at once. The inline switch (global and per site) is read from
 * the settings store and watched, so turning it off clears at once.
 */
import { inlineEnabledFor, DEFAULT_INLINE_SETTINGS, type InlineSettings } from '../../suggest/inline-settings';

export interface SchedulerHooks {
  /** The pause is over (or Alt+\): ask for a suggestion now. */
  fire(): void;
  /** Drop what is pending or running, and its ghost if it is not final yet. */
  cancel(): void;
  /** Inline was switched off: clear everything, final ghosts included. */
  off?(): void;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class InlineScheduler {
  private timer: unknown;
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

  /** A keystroke in an editor: cancel, then ask again after the pause. */
  keystroke(): void {
    this.cancel();
    if (!this.enabled) return;
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      if (this.enabled) this.hooks.fire();
    }, this.settings.pauseMs);
  }

  /** Alt+\: ask now. */
  now(): void {
    this.cancel();
    if (this.enabled) this.hooks.fire();
  }

  /** A click, a blur: cancel without asking again. */
  cancel(): void {
    this.stopTimer();
    this.hooks.cancel();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }
}
