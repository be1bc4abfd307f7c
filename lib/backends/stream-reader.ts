/**
 * The two streaming formats servers answer with, read from a fetch body:
 * NDJSON (Ollama: one JSON object per line) and server-sent events (llama.cpp,
 * OpenAI-compatible: `data: {...}` events, parsed by eventsource-parser).
 * Each payload goes to `onPayload`, which returns true to stop reading. Every
 * chunk restarts the exchange's stall timer.
 */
import { createParser } from 'eventsource-parser';
import type { Exchange } from './http';

export type StreamFormat = 'ndjson' | 'sse';

/**
 * Reads the body until it ends or `onPayload` returns true; then cancels the
 * body (closing the connection). Throws what reading threw (a cut connection,
 * an abort) for the caller to classify.
 */
export async function readPayloads(exchange: Exchange, format: StreamFormat, onPayload: (payload: string) => boolean | void): Promise<void> {
  const body = exchange.response?.body;
  if (!body) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let stop = false;
  const deliver = (payload: string) => {
    if (!stop && onPayload(payload) === true) stop = true;
  };
  let buffered = '';
  const sse = createParser({ onEvent: (event) => deliver(event.data) });
  const feed = (text: string) => {
    if (format === 'sse') return sse.feed(text);
    buffered += text;
    let nl: number;
    while (!stop && (nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line !== '') deliver(line);
    }
  };
  try {
    while (!stop) {
      const { done, value } = await reader.read();
      if (done) {
        feed(decoder.decode());
        // A last NDJSON line without its newline still counts.
        if (format === 'ndjson' && buffered.trim() !== '') deliver(buffered.trim());
        return;
      }
      exchange.touch();
      feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    if (stop) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}
