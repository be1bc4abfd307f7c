/**
 * Test builds only. Faults: an engine that hangs (its generate never settles, like an
 * ONNX run that never returns), crashes (throws, like a WASM trap) or is slow
 * (the real engine, holding the queue SLOW_STEP_MS per piece of text, as a
 * much larger model on a slow machine would), so e2e tests can exercise the
 * progress timeout, the engine restart and the per-tab cap whatever the speed
 * of the machine. The offscreen entry passes this to the router only in the
 * test build, so production neither honours EngineGenerateRequest.testFault
 * nor bundles it.
 * Scripted output (`scriptedEngine`): the engine writes a given text instead
 * of the model's, so e2e tests can check what the extension does with an
 * output (LaTeX escaping, say) whatever the model would write.
 */
import type { Engine, GenerationResult } from '../../engine/types';
import type { suggest } from '../../suggest/suggester';

export type TestFault = 'hang' | 'crash' | 'slow';

export const SLOW_STEP_MS = 100;

export function faultyEngine(fault: TestFault, engine: Engine): Pick<Engine, 'generate'> {
  switch (fault) {
    case 'hang':
      return { generate: () => new Promise<never>(() => undefined) };
    case 'crash':
      return { generate: () => Promise.reject(new Error('RuntimeError: memory access out of bounds (test fault)')) };
    case 'slow':
      return {
        async generate(prompt, options, callbacks = {}) {
          const pieces: string[] = [];
          // ignoreEos: a job lasts maxNewTokens pieces whatever the model writes (an early end-of-text made the
          // per-tab cap test depend on the model's text: a retrained model ended jobs before the tab was flooded)
          const result = await engine.generate(prompt, { ...options, ignoreEos: true }, { ...callbacks, onDelta: (text) => pieces.push(text) });
          for (const text of pieces) {
            if (callbacks.signal?.aborted) break;
            await new Promise((r) => setTimeout(r, SLOW_STEP_MS));
            callbacks.onDelta?.(text);
          }
          return result;
        },
      };
  }
}

/** Characters per delta of a scripted run: small, as tokens are, so streaming paths see text arrive in pieces. */
const SCRIPT_PIECE = 3;

export function scriptedEngine(text: string): Pick<Engine, 'generate'> & { suggest: typeof suggest } {
  return {
    async generate(_prompt, _options, callbacks = {}): Promise<GenerationResult> {
      const started = Date.now();
      let written = '';
      for (let i = 0; i < text.length && !callbacks.signal?.aborted; i += SCRIPT_PIECE) {
        const piece = text.slice(i, i + SCRIPT_PIECE);
        written += piece;
        callbacks.onDelta?.(piece);
      }
      const ms = Date.now() - started;
      const stopReason = callbacks.signal?.aborted ? 'aborted' : 'eos';
      return { text: written, tokens: Math.ceil(written.length / SCRIPT_PIECE), stopReason, timeToFirstTokenMs: ms, totalMs: ms };
    },
    async suggest(_engine, _text, request = {}) {
      if (request.signal?.aborted) return [];
      request.onUpdate?.(text);
      return [{ text, confidence: 1 }];
    },
  };
}
