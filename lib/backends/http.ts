/**
 * HTTP to a model server: the request (JSON body, Bearer key, one timer that
 * covers waiting for the answer and every stall mid-stream), and the mapping of
 * what can go wrong to a BackendError whose message says what to do. Protocol
 * specifics (how each server spells its errors) come in through `ErrorRules`.
 */
import { BackendError } from './errors';
import { endpointUrl, assertSameOrigin } from './server-url';
import type { BackendErrorKind, ServerConfig, ServerKind } from './types';

export const DEFAULT_TIMEOUT_MS = 30_000;

export const SERVER_NAMES: Readonly<Record<ServerKind, string>> = Object.freeze({
  ollama: 'Ollama',
  'llama.cpp': 'llama.cpp server',
  openai: 'OpenAI-compatible server',
});

/** How to start each server, for "nothing answers" messages. */
const START_HINTS: Readonly<Record<ServerKind, string>> = Object.freeze({
  ollama: 'start it with `ollama serve` (or open the Ollama app)',
  'llama.cpp': 'start it with `llama-server -m MODEL.gguf --port PORT`',
  openai: 'start it (vLLM: `vllm serve MODEL`) or check the address',
});

/** A server's error as it arrived: status and the message its JSON carried, if any. */
export interface ServerFailure {
  status: number;
  /** The message from the body: {"error": "..."} (Ollama, vLLM auth), {"error": {"message"}} (OpenAI, llama.cpp), {"message"} (vLLM). */
  serverMessage: string;
  /** Whether the request carried an API key. */
  hadKey: boolean;
}

/** Protocol-specific reading of an error answer; undefined falls back to the generic rules. */
export type ErrorRules = (failure: ServerFailure, conn: Connection) => BackendError | undefined;

/** One server as the backends talk to it. */
export class Connection {
  readonly kind: ServerKind;
  readonly base: string;
  readonly origin: string;
  readonly name: string;
  readonly timeoutMs: number;
  private readonly apiKey?: string;
  private readonly fetchFn: typeof fetch;

  constructor(
    readonly config: ServerConfig,
    private readonly rules: ErrorRules = () => undefined,
  ) {
    this.kind = config.kind;
    this.base = config.url.trim();
    this.origin = endpointUrl(this.base, '/').origin; // validates the URL once, up front
    this.name = `${SERVER_NAMES[config.kind]} at ${this.origin}`;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.apiKey = config.apiKey?.trim() || undefined;
    this.fetchFn = config.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  get hasKey(): boolean {
    return this.apiKey !== undefined;
  }

  /** The full address of an endpoint, base path included, for messages. */
  url(path: string): string {
    return endpointUrl(this.base, path).href;
  }

  /**
   * Sends one request and returns the response once its status is OK, with the
   * timer still running for the body (`Exchange.touch` on every chunk). An
   * error status becomes a BackendError; a caller's abort rejects with the
   * signal's reason (check `signal.aborted`).
   */
  async send(path: string, init: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal } = {}): Promise<Exchange> {
    const url = endpointUrl(this.base, path);
    const exchange = new Exchange(this.timeoutMs, init.signal);
    const headers: Record<string, string> = { Accept: 'application/json, text/event-stream, application/x-ndjson' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.apiKey) headers.Authorization = `Bearer ${this.apiKey}`;
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: exchange.signal,
        // A redirect could lead anywhere: never followed. 'manual' rather than 'error', which fails like a
        // server that is down and so would tell the user to start a server that is running.
        redirect: 'manual',
        credentials: 'omit',
      });
    } catch (e) {
      exchange.done();
      throw exchange.failure(e, () => new BackendError('unreachable', `Nothing answers at ${this.base}: is the ${SERVER_NAMES[this.kind]} running? ${capitalize(START_HINTS[this.kind])}.`, { cause: e }));
    }
    // Browsers hide a redirect behind an opaque response (status 0); Node shows the 3xx itself.
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      exchange.done();
      await response.body?.cancel().catch(() => undefined);
      throw new BackendError('bad-response', `${this.name} answered ${path} with a redirect, which is not followed (text goes to the configured address only): enter the address it redirects to, e.g. https:// instead of http://.`, { status: response.status || undefined });
    }
    if (response.url) assertSameOrigin(this.origin, response.url);
    if (!response.ok) {
      const serverMessage = await readErrorMessage(response).catch(() => '');
      exchange.done();
      throw this.errorFor({ status: response.status, serverMessage, hadKey: this.hasKey });
    }
    exchange.response = response;
    return exchange;
  }

  /** GET or POST and parse the JSON answer (timer stopped afterwards). */
  async json<T = any>(path: string, init: { body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const exchange = await this.send(path, init);
    try {
      const text = await exchange.response!.text();
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new BackendError('bad-response', `${this.name} answered ${path} with something that is not JSON: is this really a ${SERVER_NAMES[this.kind]}?`);
      }
    } catch (e) {
      throw exchange.failure(e, () => new BackendError('stream-cut', `${this.name} closed the connection before its answer to ${path} was complete.`, { cause: e }));
    } finally {
      exchange.done();
    }
  }

  /** The BackendError for an error answer: the protocol's rules first, then the generic ones. */
  errorFor(failure: ServerFailure): BackendError {
    return this.rules(failure, this) ?? genericError(failure, this);
  }
}

function genericError({ status, serverMessage, hadKey }: ServerFailure, conn: Connection): BackendError {
  const said = serverMessage ? ` (it said: ${serverMessage})` : '';
  const err = (kind: BackendErrorKind, message: string) => new BackendError(kind, message, { status });
  if (status === 401) {
    return err('unauthorized', hadKey ? `${conn.name} refused the API key (401)${said}: check the key in the settings.` : `${conn.name} needs an API key (401): enter it in the settings.`);
  }
  if (status === 403) {
    return err('unauthorized', hadKey ? `${conn.name} refused access with this API key (403)${said}: check the key and its permissions.` : `${conn.name} refused the request (403)${said}: it may need an API key.`);
  }
  if (status === 404) return err('bad-response', `${conn.name} has no such endpoint (404)${said}: is it really a ${SERVER_NAMES[conn.kind]}? Check the server kind and the URL.`);
  if (status === 408 || status === 504) return err('timeout', `${conn.name} timed out (${status})${said}: try again, or a smaller model.`);
  if (status === 429) return err('server-error', `${conn.name} is rate-limiting requests (429)${said}: wait a moment.`);
  return err('server-error', `${conn.name} answered with an error (${status})${said}.`);
}

/**
 * One request's lifetime: the caller's signal plus our timer, which fires when
 * no answer (or, once streaming, no new bytes) came for `timeoutMs`.
 */
export class Exchange {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  response?: Response;

  constructor(
    private readonly timeoutMs: number,
    private readonly callerSignal?: AbortSignal,
  ) {
    if (callerSignal?.aborted) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.touch();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the caller aborted (as opposed to our timer or a failure). */
  get abortedByCaller(): boolean {
    return this.callerSignal?.aborted === true;
  }

  /** Restarts the stall timer (called on every chunk). */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timeout'));
    }, this.timeoutMs);
  }

  /** Aborts the request on our side (the caller's onToken said stop, or the sentence ended). */
  abort(): void {
    this.controller.abort(new Error('stopped'));
    this.done();
  }

  done(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  /**
   * What an exception during the exchange means: the caller's abort is passed
   * through as is, our timer becomes 'timeout', anything else `otherwise()`.
   */
  failure(e: unknown, otherwise: () => BackendError): unknown {
    if (this.abortedByCaller) return e;
    if (e instanceof BackendError) return e;
    if (this.timedOut) return new BackendError('timeout', `No answer from the server for ${Math.round(this.timeoutMs / 1000)} s: it may be overloaded or still loading the model; try again.`);
    return otherwise();
  }

  private readonly onCallerAbort = () => this.controller.abort(this.callerSignal?.reason);
}

/** The message inside an error body, whichever of the usual shapes it has; '' when none. */
export async function readErrorMessage(response: Response): Promise<string> {
  const text = (await response.text()).slice(0, 2000);
  try {
    const body = JSON.parse(text);
    const m = typeof body?.error === 'string' ? body.error : typeof body?.error?.message === 'string' ? body.error.message : typeof body?.message === 'string' ? body.message : typeof body?.detail === 'string' ? body.detail : '';
    return m.trim().slice(0, 300);
  } catch {
    return '';
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
