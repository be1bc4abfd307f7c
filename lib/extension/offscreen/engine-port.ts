/**
 * One engine job from the background (a logical Port on the ENGINE_PORT
 * link, port-mux.ts): parses its messages, starts the generation on the
 * router, streams the sink's events back, and cancels the generation when the
 * background goes away — on disconnect (the link drops with a killed worker),
 * or when the background's keepalives stop (protocol.ts KEEPALIVE_INTERVAL_MS).
 * Cancelling matters beyond this Port: the router runs one generation at a
 * time, so an orphan would hold up every other field's next request.
 */
import { parseSamplingOptions } from '../../engine/sampling-options';
import { parseInlineSettings } from '../../suggest/inline-settings';
import { silenceWatchdog, type SilenceWatchdog } from '../keepalive';
import { EnginePortClientMessage, SILENCE_TIMEOUT_MS, parseMessage, type GenerationSummary, type ServerPortMessage } from '../protocol';
import type { PortLike } from '../ports';
import type { GenerationRouter, GenerationSink } from './generation-router';
import type { pacedSink } from './paced-sink';

export interface EnginePortOptions {
  router: GenerationRouter;
  /**
   * Test builds pass `pacedSink` to honour EngineGenerateRequest.testPaceMs;
   * production passes nothing, so the pacing code is not even bundled.
   */
  pace?: typeof pacedSink;
  /** Defaults to SILENCE_TIMEOUT_MS. */
  silenceTimeoutMs?: number;
}

export function serveEnginePort(port: PortLike, options: EnginePortOptions): void {
  let handle: { cancel(): void } | undefined;
  let clearPaced: (() => void) | undefined;
  let watchdog: SilenceWatchdog | undefined;
  let gone = false;

  const post = (message: ServerPortMessage) => {
    if (gone) return;
    try {
      port.postMessage(message);
    } catch {
      // Posting to a closed Port throws: the background is gone.
      stop();
    }
  };
  const stop = () => {
    gone = true;
    watchdog?.stop();
    handle?.cancel();
    clearPaced?.();
  };

  port.onDisconnect.addListener(stop);
  port.onMessage.addListener((raw: unknown) => {
    if (gone) return;
    watchdog?.poke();
    const parsed = parseMessage(EnginePortClientMessage, raw);
    if (!parsed.ok) return post({ type: 'error', code: 'bad-request', message: parsed.error });
    const message = parsed.data;
    if (message.type === 'keepalive') return;
    if (message.type === 'cancel') return stop();
    if (handle) return post({ type: 'error', code: 'bad-request', message: 'One generation per port' });
    const armWatchdog = () =>
      (watchdog = silenceWatchdog(options.silenceTimeoutMs ?? SILENCE_TIMEOUT_MS, () => {
        stop();
        try {
          port.disconnect();
        } catch {
          // Already closed.
        }
      }));
    if (message.type === 'engine:suggest') {
      let settings;
      try {
        settings = parseInlineSettings(message.settings);
      } catch (error) {
        return post({ type: 'error', code: 'bad-request', message: (error as Error).message });
      }
      armWatchdog();
      const { fieldKey, owner, cacheKey, text, count, idleUnloadMinutes, testOutput } = message;
      handle = options.router.suggest(
        { fieldKey, owner, cacheKey, text, settings, count, idleUnloadMinutes, testOutput },
        {
          loading: () => post({ type: 'loading' }),
          ghost: (ghost) => post({ type: 'ghost', text: ghost }),
          done: (candidates) => {
            watchdog?.stop();
            post({ type: 'suggested', candidates });
          },
          error: (code, text) => {
            watchdog?.stop();
            post({ type: 'error', code, message: text });
          },
        },
      );
      return;
    }
    let sampling;
    try {
      sampling = parseSamplingOptions(message.options);
    } catch (error) {
      return post({ type: 'error', code: 'bad-request', message: (error as Error).message });
    }
    let sink: GenerationSink = {
      loading: () => post({ type: 'loading' }),
      delta: (text) => post({ type: 'delta', text }),
      done: (r, adjustments) => {
        watchdog?.stop();
        const result: GenerationSummary = { text: r.text, tokens: r.tokens, stopReason: r.stopReason, timeToFirstTokenMs: r.timeToFirstTokenMs, totalMs: r.totalMs };
        if (adjustments.length > 0) result.adjustments = adjustments;
        post({ type: 'done', result });
      },
      error: (code, text) => {
        watchdog?.stop();
        post({ type: 'error', code, message: text });
      },
    };
    if (options.pace && message.testPaceMs) {
      const paced = options.pace(sink, message.testPaceMs);
      clearPaced = paced.clear;
      sink = paced;
    }
    armWatchdog();
    const { fieldKey, owner, cacheKey, prompt, idleUnloadMinutes, testFault, testOutput } = message;
    handle = options.router.start({ fieldKey, owner, cacheKey, prompt, options: sampling, idleUnloadMinutes, testFault, testOutput }, sink);
  });
}
