/**
 * BackendError: one class for every failure of a backend, with a `kind` the
 * code can branch on and a message a person can act on. Messages never carry
 * the API key or the user's text. `toData()` / `fromData()` carry it across
 * extension messages (an Error loses its fields in structured clone).
 */
import type { BackendErrorData, BackendErrorKind } from './types';

export class BackendError extends Error {
  override name = 'BackendError';
  readonly kind: BackendErrorKind;
  readonly status?: number;
  /** Text already streamed when the failure came (a stream cut mid-way). */
  readonly partialText?: string;

  constructor(kind: BackendErrorKind, message: string, extra: { status?: number; partialText?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.kind = kind;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.partialText !== undefined) this.partialText = extra.partialText;
  }

  toData(): BackendErrorData {
    const data: BackendErrorData = { kind: this.kind, message: this.message };
    if (this.status !== undefined) data.status = this.status;
    if (this.partialText !== undefined) data.partialText = this.partialText;
    return data;
  }

  static fromData(data: BackendErrorData): BackendError {
    return new BackendError(data.kind, data.message, { status: data.status, partialText: data.partialText });
  }
}

export const isBackendError = (e: unknown): e is BackendError => e instanceof BackendError;

/** Whether retrying the same request later could work without the user changing anything. */
export const isTransient = (kind: BackendErrorKind): boolean => kind === 'timeout' || kind === 'stream-cut' || kind === 'server-error' || kind === 'unreachable';
