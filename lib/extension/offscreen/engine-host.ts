/**
 * Owns the one Engine of the offscreen document: loads it on first use (two
 * callers asking at once share one load), keeps it warm while in use, and
 * unloads it after a configurable idle time so an idle browser gets its
 * memory back. The next request loads it again.
 */
import { modelLimits } from '../../engine/sampling-options';
import type { Engine, EngineInfo } from '../../engine/types';
import type { EngineStatus } from '../protocol';

export interface EngineHostOptions {
  load: () => Promise<Engine>;
  /** Injected for tests; defaults to the real timers. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Extra status fields (e.g. crossOriginIsolated). */
  describe?: () => Partial<EngineStatus>;
}

export class EngineHost {
  private engine: Engine | undefined;
  private loading: Promise<Engine> | undefined;
  private lastError: string | undefined;
  private busy = 0;
  private idleTimer: unknown;
  private readonly setTimer: NonNullable<EngineHostOptions['setTimer']>;
  private readonly clearTimer: NonNullable<EngineHostOptions['clearTimer']>;

  constructor(private readonly options: EngineHostOptions) {
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  get loaded(): boolean {
    return this.engine !== undefined;
  }

  get info(): EngineInfo | undefined {
    return this.engine?.info;
  }

  status(): EngineStatus {
    const extra = this.options.describe?.() ?? {};
    if (this.engine) {
      const { name, modelBytes, threads } = this.engine.info;
      return { state: 'ready', name, modelBytes, threads, limits: modelLimits(this.engine.info), ...extra };
    }
    if (this.loading) return { state: 'loading', ...extra };
    if (this.lastError) return { state: 'error', error: this.lastError, ...extra };
    return { state: 'unloaded', ...extra };
  }

  /** Loads (or reuses) the engine and marks it busy until `release`. */
  async acquire(): Promise<Engine> {
    this.busy += 1;
    this.cancelIdle();
    try {
      return await this.ensureLoaded();
    } catch (error) {
      this.busy -= 1;
      throw error;
    }
  }

  release(idleUnloadMinutes: number): void {
    this.busy = Math.max(0, this.busy - 1);
    if (this.busy === 0) this.scheduleIdle(idleUnloadMinutes);
  }

  /** Loads the model ahead of the first request; errors are kept for status(). */
  async warm(idleUnloadMinutes: number): Promise<EngineStatus> {
    try {
      await this.ensureLoaded();
      if (this.busy === 0) this.scheduleIdle(idleUnloadMinutes);
    } catch {
      // status() reports it.
    }
    return this.status();
  }

  async unload(): Promise<void> {
    this.cancelIdle();
    const engine = this.engine;
    this.engine = undefined;
    await engine?.dispose();
  }

  /**
   * Drops an engine that hung or crashed, so the next acquire loads a fresh
   * one. Its disposal is not awaited: a hung engine's queue never drains.
   */
  discard(engine: Engine): void {
    if (this.engine !== engine) return;
    this.engine = undefined;
    void engine.dispose().catch(() => undefined);
  }

  private ensureLoaded(): Promise<Engine> {
    if (this.engine) return Promise.resolve(this.engine);
    this.loading ??= this.options
      .load()
      .then((engine) => {
        this.engine = engine;
        this.lastError = undefined;
        // Nothing the user must act on (completions work), but worth a line in the offscreen console.
        for (const warning of engine.info.warnings) console.warn(`Abstract Autocomplete: ${warning}`);
        return engine;
      })
      .catch((error: unknown) => {
        this.lastError = error instanceof Error ? error.message : String(error);
        throw error;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  private scheduleIdle(minutes: number): void {
    this.cancelIdle();
    if (minutes <= 0) return;
    this.idleTimer = this.setTimer(() => {
      this.idleTimer = undefined;
      if (this.busy === 0) void this.unload();
    }, minutes * 60_000);
  }

  private cancelIdle(): void {
    if (this.idleTimer !== undefined) this.clearTimer(this.idleTimer);
    this.idleTimer = undefined;
  }
}
