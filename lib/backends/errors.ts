/**
 * BackendError: one class for every failure of a backend, with a `kind` the
 * code can branch on and a message a person can act on. Messages never carry
 * the API key or the user's text.
 */
import type { BackendErrorKind } from './types';

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
}

export const isBackendError = (e: unknown): e is BackendError => e instanceof BackendError;
