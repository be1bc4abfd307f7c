/**
 * One streamed completion from a server, whatever its protocol: sends the
 * request, reads the payloads, hands text to onDelta (through the engine's own
 * CompletionStream, so stopAtSentenceEnd cuts server text exactly as it cuts
 * the bundled model's) and log-probabilities to onToken, and turns every way
 * it can end into a CompletionResult or a BackendError:
 *   - the server's last payload (done): eos / max_tokens / stop;
 *   - onToken returned true, or the sentence ended: the request is aborted;
 *   - the caller's signal: the request is aborted, stopReason 'aborted';
 *   - the body ends without the last payload: 'stream-cut', with the text so far;
 *   - a payload that does not parse: 'bad-response'.
 */
import { CompletionStream } from '../engine/completion-stream';
import { BackendError } from './errors';
import type { Connection, Exchange } from './http';
import { readPayloads, type StreamFormat } from './stream-reader';
import type { CompletionCallbacks, CompletionResult, CompletionStopReason, TokenLogprob } from './types';

/** What one payload of a stream carries. */
export interface StreamStep {
  text?: string;
  tokens?: TokenLogprob[];
  /** Set on the payload that ends the completion. */
  done?: { reason: 'eos' | 'max_tokens' | 'stop'; tokens?: number };
}

export interface StreamSpec {
  path: string;
  body: unknown;
  format: StreamFormat;
  /** One payload to a step; throws BackendError for an error payload or one that is not the protocol. */
  parse(payload: string): StreamStep;
}

const encoder = new TextEncoder();

export async function streamCompletion(conn: Connection, spec: StreamSpec, stopAtSentenceEnd: boolean, callbacks: CompletionCallbacks = {}): Promise<CompletionResult> {
  const started = performance.now();
  let firstAt = -1;
  let logprobs = false;
  let stopReason: CompletionStopReason | undefined;
  let tokens: number | undefined;
  const text = new CompletionStream(0, stopAtSentenceEnd, (delta) => {
    if (firstAt < 0) firstAt = performance.now();
    callbacks.onDelta?.(delta);
  });
  const result = (reason: CompletionStopReason, finalText: string): CompletionResult => {
    const end = performance.now();
    return { text: finalText, tokens, stopReason: reason, timeToFirstTokenMs: (firstAt < 0 ? end : firstAt) - started, totalMs: end - started, logprobs };
  };

  let exchange: Exchange;
  try {
    exchange = await conn.send(spec.path, { body: spec.body, signal: callbacks.signal });
  } catch (e) {
    if (callbacks.signal?.aborted) return result('aborted', '');
    throw e;
  }
  try {
    await readPayloads(exchange, spec.format, (payload) => {
      const step = spec.parse(payload);
      // Tokens before their text: a caller learns that log-probabilities come before the first delta.
      for (const token of step.tokens ?? []) {
        logprobs = true;
        if (stopReason === undefined && callbacks.onToken?.(token) === true) stopReason = 'stopped';
      }
      if (step.text && text.push(encoder.encode(step.text)) && stopReason === undefined) stopReason = 'sentence_end';
      if (step.done && stopReason === undefined) {
        stopReason = step.done.reason;
        tokens = step.done.tokens;
      }
      return stopReason !== undefined;
    });
  } catch (e) {
    if (exchange.abortedByCaller) return result('aborted', text.emitted);
    throw exchange.failure(e, () =>
      new BackendError('stream-cut', `${conn.name} closed the connection in the middle of the answer: try again; if it keeps happening, check the server's log (it may have run out of memory).`, { cause: e, partialText: text.emitted }),
    );
  } finally {
    // Closes the connection unless the server said it was done (we stopped early, or a payload failed: the
    // server would otherwise go on generating for nobody); clears the timer either way.
    if (stopReason === undefined || stopReason === 'stopped' || stopReason === 'sentence_end') exchange.abort();
    else exchange.done();
  }
  if (exchange.abortedByCaller) return result('aborted', text.emitted);
  if (stopReason === undefined) {
    throw new BackendError('stream-cut', `${conn.name} ended the answer before saying it was done: try again; if it keeps happening, check the server's log.`, { partialText: text.emitted });
  }
  return result(stopReason, text.finish());
}

/** JSON.parse for one payload, or a 'bad-response' naming the server. */
export function parsePayload(conn: Connection, payload: string): any {
  try {
    return JSON.parse(payload);
  } catch {
    throw new BackendError('bad-response', `${conn.name} sent a line that is not JSON (${JSON.stringify(payload.slice(0, 60))}): is the server kind right?`);
  }
}
