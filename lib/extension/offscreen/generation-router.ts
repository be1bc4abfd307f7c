/**
 * Routes generation requests to the single engine.
 *
 * - One generation at a time per field: a new request for the same field key
 *   aborts the old one (its sink gets a `superseded` error).
 * - The engine runs one generation at a time overall (one ONNX session);
 *   requests for different fields queue in arrival order.
 * - At most MAX_JOBS_PER_TAB queued or running per owner (tab): one page
 *   cannot queue so much that another tab waits indefinitely.
 * - Cancelling (client pressed Stop, tab closed, port dropped) aborts within
 *   one decoding step and sends nothing more to that sink.
 * - Settings the loaded model cannot honour are clamped (lib/engine
 *   fitToModel) and reported with the result.
 * - A generation that makes no progress for PROGRESS_TIMEOUT_MS, or whose
 *   engine throws, fails with a clear error; the engine is discarded and the
 *   next job loads a fresh one, so the queue moves on. After
 *   MAX_ENGINE_FAILURES in a row `onUnhealthy` asks for a new document (a
 *   stuck WASM instance is only replaced with its document).
 */
import { fitToModel, modelLimits, SamplingOptionsError, type SamplingAdjustment } from '../../engine/sampling-options';
import type { Engine, GenerationResult, SamplingOptions } from '../../engine/types';
import type { InlineSettings } from '../../suggest/inline-settings';
import { suggest, type Suggestion } from '../../suggest/suggester';
import { silenceWatchdog } from '../keepalive';
import { BUSY_MESSAGE, MAX_ENGINE_FAILURES, MAX_JOBS_PER_TAB, PROGRESS_TIMEOUT_MS, STALLED_MESSAGE, type ErrorCode } from '../protocol';
import type { EngineHost } from './engine-host';
import type { scriptedEngine, TestFault } from './test-faults';
import { traceMark } from '../trace';

export interface GenerationSink {
  loading(): void;
  delta(text: string): void;
  done(result: GenerationResult, adjustments: SamplingAdjustment[]): void;
  error(code: ErrorCode, message: string): void;
}

/** Where an inline suggestion's events go (engine-port.ts turns them into Port messages). */
export interface SuggestionSink {
  loading(): void;
  /** The ghost text so far, each time it grows by a word. */
  ghost(text: string): void;
  done(candidates: Suggestion[]): void;
  error(code: ErrorCode, message: string): void;
}

export interface SuggestRouteRequest {
  /** One per tab (`tab<id>:suggest`): the newest request supersedes the older. */
  fieldKey: string;
  owner: string;
  cacheKey: string;
  /** Text before the caret. */
  text: string;
  settings: InlineSettings;
  /** Candidates wanted (1 = the ghost only). */
  count: number;
  idleUnloadMinutes: number;
  /** Test builds only; ignored unless the router was given `scriptedEngine`. */
  testOutput?: string;
}

export interface RouteRequest {
  fieldKey: string;
  /** The tab (or `page`) the request came from: the unit of MAX_JOBS_PER_TAB. */
  owner: string;
  /** Whose prefix cache the engine may reuse (GenerateCallbacks.cacheKey). */
  cacheKey: string;
  prompt: string;
  options: SamplingOptions;
  idleUnloadMinutes: number;
  /** Test builds only; ignored unless the router was given `faultyEngine`. */
  testFault?: TestFault;
  /** Test builds only; ignored unless the router was given `scriptedEngine`. */
  testOutput?: string;
}

export interface RouterOptions {
  maxJobsPerOwner?: number;
  progressTimeoutMs?: number;
  maxEngineFailures?: number;
  /** Called after maxEngineFailures engine failures in a row. */
  onUnhealthy?(reason: string): void;
  /** Test builds only (offscreen/test-faults.ts): the engine a request with testFault gets instead. */
  faultyEngine?(fault: TestFault, engine: Engine): Pick<Engine, 'generate'>;
  /** Test builds only (offscreen/test-faults.ts): what a request with testOutput gets instead of the model. */
  scriptedEngine?: typeof scriptedEngine;
}

interface Job {
  request: Pick<RouteRequest, 'fieldKey' | 'owner' | 'idleUnloadMinutes'>;
  sink: Pick<GenerationSink, 'loading' | 'error'>;
  controller: AbortController;
  /** Set once the sink must hear nothing more. */
  silenced: boolean;
  /**
   * Counts toward MAX_JOBS_PER_TAB. Suggestions do not: a tab has at most one
   * (one field key per tab, the newest supersedes), so they cannot flood, and
   * a suggestion in flight must not take a Generate's place.
   */
  capped: boolean;
  /** Runs the job on the engine; resolves to what delivers its result. */
  work(engine: Engine, progress: () => void): Promise<() => void>;
}

export const SUPERSEDED_MESSAGE = 'Stopped: a newer request for this field replaced it.';

const STALLED = Symbol('stalled');

export class GenerationRouter {
  private readonly active = new Map<string, Job>();
  private queue: Promise<void> = Promise.resolve();
  private failures = 0;

  constructor(
    private readonly host: EngineHost,
    private readonly options: RouterOptions = {},
  ) {}

  /** Field keys with a generation queued or running (for tests and status). */
  get activeFields(): string[] {
    return [...this.active.keys()];
  }

  start(request: RouteRequest, sink: GenerationSink): { cancel(): void } {
    return this.enqueue(request, sink, true, async (engine, job, progress) => {
      const { options, adjustments } = fitToModel(request.options, modelLimits(engine.info));
      const scripted = request.testOutput && this.options.scriptedEngine?.(request.testOutput);
      const runner = scripted || (request.testFault && this.options.faultyEngine ? this.options.faultyEngine(request.testFault, engine) : engine);
      const result = await runner.generate(request.prompt, options, {
        signal: job.controller.signal,
        cacheKey: request.cacheKey,
        onDelta: (text) => {
          progress();
          if (!job.silenced) sink.delta(text);
        },
      });
      return () => sink.done(result, adjustments);
    });
  }

  /**
   * An inline suggestion (lib/suggest/suggester.ts) through the same queue,
   * supersede rule, per-tab cap, progress timeout and engine health as a
   * generation. An aborted or superseded one delivers nothing.
   */
  suggest(request: SuggestRouteRequest, sink: SuggestionSink): { cancel(): void } {
    return this.enqueue(request, sink, false, async (engine, job, progress) => {
      const scripted = request.testOutput && this.options.scriptedEngine?.(request.testOutput);
      traceMark('engine-start');
      let first = true;
      const candidates = await (scripted ? scripted.suggest : suggest)(engine, request.text, {
        settings: request.settings,
        count: request.count,
        cacheKey: request.cacheKey,
        signal: job.controller.signal,
        onUpdate: (ghost) => {
          progress();
          if (first) traceMark('engine-ghost');
          first = false;
          if (!job.silenced) sink.ghost(ghost);
        },
      });
      return () => sink.done(candidates);
    });
  }

  private enqueue(
    request: Job['request'],
    sink: Job['sink'],
    capped: boolean,
    work: (engine: Engine, job: Job, progress: () => void) => Promise<() => void>,
  ): { cancel(): void } {
    const previous = this.active.get(request.fieldKey);
    let sameOwner = 0;
    for (const job of this.active.values()) if (job.capped && job.request.owner === request.owner && job !== previous) sameOwner++;
    if (capped && sameOwner >= (this.options.maxJobsPerOwner ?? MAX_JOBS_PER_TAB)) {
      sink.error('busy', BUSY_MESSAGE);
      return { cancel: () => undefined };
    }
    if (previous) {
      previous.controller.abort();
      if (!previous.silenced) previous.sink.error('superseded', SUPERSEDED_MESSAGE);
      previous.silenced = true;
    }
    const job: Job = { request, sink, controller: new AbortController(), silenced: false, capped, work: (engine, progress) => work(engine, job, progress) };
    this.active.set(request.fieldKey, job);
    this.queue = this.queue.then(() => this.run(job));
    return {
      cancel: () => {
        job.silenced = true;
        job.controller.abort();
        if (this.active.get(request.fieldKey) === job) this.active.delete(request.fieldKey);
      },
    };
  }

  private async run(job: Job): Promise<void> {
    if (job.controller.signal.aborted) return this.forget(job);
    if (!this.host.loaded && !job.silenced) job.sink.loading();
    let engine: Engine;
    try {
      engine = await this.host.acquire();
    } catch (error) {
      if (!job.silenced) job.sink.error('engine-failed', `The model failed to load: ${messageOf(error)}`);
      return this.forget(job);
    }
    try {
      if (job.controller.signal.aborted) return;
      const result = await this.withProgressTimeout(job, (progress) => job.work(engine, progress));
      if (result === STALLED) {
        // Stop it within a step in case it is only very slow; a hung run never looks at the signal.
        job.controller.abort();
        if (!job.silenced) job.sink.error('engine-stalled', STALLED_MESSAGE);
        this.engineFailed(engine, `no progress for ${this.progressTimeoutMs} ms`);
        return;
      }
      this.failures = 0;
      if (!job.silenced) result();
    } catch (error) {
      if (!job.silenced) job.sink.error('engine-failed', `The model failed: ${messageOf(error)}. It will be reloaded; click Generate to try again.`);
      // A rejected setting says nothing about the engine's health; anything else may have left its session unusable.
      if (!(error instanceof SamplingOptionsError)) this.engineFailed(engine, messageOf(error));
    } finally {
      this.host.release(job.request.idleUnloadMinutes);
      this.forget(job);
    }
  }

  private get progressTimeoutMs(): number {
    return this.options.progressTimeoutMs ?? PROGRESS_TIMEOUT_MS;
  }

  /** Runs `task`, resolving to STALLED if it neither settles nor reports progress for progressTimeoutMs. */
  private async withProgressTimeout<T>(job: Job, task: (progress: () => void) => Promise<T>): Promise<T | typeof STALLED> {
    let onStall: () => void = () => undefined;
    const stalled = new Promise<typeof STALLED>((resolve) => (onStall = () => resolve(STALLED)));
    const watchdog = silenceWatchdog(this.progressTimeoutMs, onStall);
    try {
      return await Promise.race([task(() => watchdog.poke()), stalled]);
    } finally {
      watchdog.stop();
    }
  }

  private engineFailed(engine: Engine, reason: string): void {
    this.host.discard(engine);
    this.failures += 1;
    if (this.failures >= (this.options.maxEngineFailures ?? MAX_ENGINE_FAILURES)) {
      this.failures = 0;
      this.options.onUnhealthy?.(`${this.options.maxEngineFailures ?? MAX_ENGINE_FAILURES} engine failures in a row; last: ${reason}`);
    }
  }

  private forget(job: Job): void {
    job.silenced = true;
    if (this.active.get(job.request.fieldKey) === job) this.active.delete(job.request.fieldKey);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

