/**
 * A generation or inline suggestion answered by the configured model server
 * instead of the bundled engine: the same client Port messages (`delta`,
 * `done`, `ghost`, `suggested`, `error`), so the editors and the suggestion
 * logic never learn which model answered. Runs in the background (the one
 * context that talks to the server; the backend checks every request's origin).
 *
 * - Cancel: the client's cancel or disconnect aborts the HTTP request.
 * - Inline: the backend's latency budget; past it nothing is shown (a late
 *   suggestion is a stale one), which is not a failure.
 * - Generate into a plain field inserts as it streams, so a stream cut
 *   mid-way would leave half a sentence in the user's document: for those
 *   sources the text is held here and sent only when the server finished
 *   normally. CodeMirror kinds show the stream as ghost text, which is not in
 *   the document until accepted (and is removed on an error), so they stream.
 * - A failure ends the request with `server-failed`: the backend's message
 *   (what happened, what to do), "nothing was inserted", and the fallback:
 *   the tab's next requests go to the bundled model (server-fallback.ts)
 *   until the user picks the server again in the popup.
 */
import { isBackendError } from '../../backends/errors';
import type { Backend, CompletionResult } from '../../backends/types';
import type { SamplingOptions } from '../../engine/types';
import type { InlineSettings } from '../../suggest/inline-settings';
import type { GenerationSource, GenerationSummary, ServerPortMessage } from '../protocol';

/** First word of a server suggestion later than this (after the typing pause) is not shown. */
export const SERVER_SUGGEST_BUDGET_MS = 1500;

/** Sources whose stream is shown as ghost text (never in the document before it is accepted). */
const GHOST_SOURCES: readonly GenerationSource[] = ['codemirror', 'overleaf'];

export const FALLBACK_NOTE = 'This tab now uses the bundled model: press Generate again to continue with it, or choose the server again in the extension’s popup.';

export interface ServerRoute {
  backend: Backend;
  /** Records the failure (the tab falls back to the bundled model) and shows it on the toolbar button. */
  failed(message: string): Promise<void>;
}

export interface ServerIo {
  send(message: ServerPortMessage): void;
  end(message?: ServerPortMessage): void;
  signal: AbortSignal;
}

const STOP_REASONS: Record<CompletionResult['stopReason'], GenerationSummary['stopReason']> = {
  eos: 'eos',
  stop: 'eos',
  max_tokens: 'max_tokens',
  sentence_end: 'sentence_end',
  stopped: 'sentence_end',
  aborted: 'aborted',
};

export async function serverGenerate(route: ServerRoute, request: { prompt: string; options: SamplingOptions; source: GenerationSource; cacheKey: string }, io: ServerIo): Promise<void> {
  const stream = GHOST_SOURCES.includes(request.source);
  let deltas = 0;
  try {
    const result = await route.backend.complete(
      { prompt: request.prompt, options: request.options },
      {
        signal: io.signal,
        cacheKey: request.cacheKey,
        onDelta: (text) => {
          deltas++;
          if (stream) io.send({ type: 'delta', text });
        },
      },
    );
    if (result.stopReason === 'aborted') return io.end();
    if (!stream && result.text !== '') io.send({ type: 'delta', text: result.text });
    io.end({
      type: 'done',
      result: { tokens: result.tokens ?? deltas, stopReason: STOP_REASONS[result.stopReason], text: result.text, timeToFirstTokenMs: result.timeToFirstTokenMs, totalMs: result.totalMs },
    });
  } catch (error) {
    if (io.signal.aborted) return io.end();
    await fail(route, error, `Nothing was inserted. ${FALLBACK_NOTE}`, io);
  }
}

export async function serverSuggest(
  route: ServerRoute,
  request: { text: string; after?: string; settings: InlineSettings; count: number; cacheKey: string },
  io: ServerIo,
): Promise<void> {
  try {
    const candidates = await route.backend.suggest(request.text, {
      suffix: request.after,
      settings: request.settings,
      count: request.count,
      cacheKey: request.cacheKey,
      signal: io.signal,
      budgetMs: SERVER_SUGGEST_BUDGET_MS,
      onUpdate: (text) => io.send({ type: 'ghost', text }),
    });
    if (io.signal.aborted) return io.end();
    // No log-probabilities: no confidence to report; the cut was by words and sentence end only.
    io.end({ type: 'suggested', candidates: candidates.map((c) => ({ text: c.text, confidence: c.confidence ?? 1 })) });
  } catch (error) {
    if (io.signal.aborted) return io.end();
    await fail(route, error, 'Suggestions on this tab now come from the bundled model; choose the server again in the extension’s popup.', io);
  }
}

async function fail(route: ServerRoute, error: unknown, after: string, io: ServerIo): Promise<void> {
  const cause = isBackendError(error) ? error.message : `${route.backend.origin ?? 'The server'} failed: ${(error as Error)?.message ?? String(error)}`;
  const message = `${cause.replace(/[\s.:]*$/, '.')} ${after}`;
  await route.failed(cause).catch(() => undefined);
  io.end({ type: 'error', code: 'server-failed', message });
}
