/**
 * Routes generation requests to the single engine.
 *
 * - One generation at a time per field: a new request for the same field key
 *   aborts the old one (its sink gets a `superseded` error).
 * - The engine runs one generation at a time overall (one ONNX session);
 *   requests for different fields queue in arrival order.
 * - Cancelling (client pressed Stop, tab closed, port dropped) aborts within
 *   one decoding step and sends nothing more to that sink.
 */
import type { GenerationResult, SamplingOptions } from '../../engine/types';
import type { ErrorCode } from '../protocol';
import type { EngineHost } from './engine-host';

export interface GenerationSink {
  loading(): void;
  delta(text: string): void;
  done(result: GenerationResult): void;
  error(code: ErrorCode, message: string): void;
}

export interface RouteRequest {
  fieldKey: string;
  prompt: string;
  options: SamplingOptions;
  idleUnloadMinutes: number;
}

interface Job {
  request: RouteRequest;
  sink: GenerationSink;
  controller: AbortController;
  /** Set once the sink must hear nothing more. */
  silenced: boolean;
}

export const SUPERSEDED_MESSAGE = 'Stopped: a newer request for this field replaced it.';

export class GenerationRouter {
  private readonly active = new Map<string, Job>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly host: EngineHost) {}

  /** Field keys with a generation queued or running (for tests and status). */
  get activeFields(): string[] {
    return [...this.active.keys()];
  }

  start(request: RouteRequest, sink: GenerationSink): { cancel(): void } {
    const previous = this.active.get(request.fieldKey);
    if (previous) {
      previous.controller.abort();
      if (!previous.silenced) previous.sink.error('superseded', SUPERSEDED_MESSAGE);
      previous.silenced = true;
    }
    const job: Job = { request, sink, controller: new AbortController(), silenced: false };
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
    let acquired = false;
    try {
      const engine = await this.host.acquire();
      acquired = true;
      if (job.controller.signal.aborted) return;
      const result = await engine.generate(job.request.prompt, job.request.options, {
        signal: job.controller.signal,
        onDelta: (text) => {
          if (!job.silenced) job.sink.delta(text);
        },
      });
      if (!job.silenced) job.sink.done(result);
    } catch (error) {
      if (!job.silenced) {
        const message = error instanceof Error ? error.message : String(error);
        job.sink.error('engine-failed', `The model failed: ${message}`);
      }
    } finally {
      if (acquired) this.host.release(job.request.idleUnloadMinutes);
      this.forget(job);
    }
  }

  private forget(job: Job): void {
    job.silenced = true;
    if (this.active.get(job.request.fieldKey) === job) this.active.delete(job.request.fieldKey);
  }
}
