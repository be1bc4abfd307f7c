/**
 * Test builds only: an engine that hangs (its generate never settles, like an
 * ONNX run that never returns), crashes (throws, like a WASM trap) or is slow
 * (the real engine, holding the queue SLOW_STEP_MS per piece of text, as a
 * much larger model on a slow machine would), so e2e tests can exercise the
 * progress timeout, the engine restart and the per-tab cap whatever the speed
 * of the machine. The offscreen entry passes this to the router only in the
 * test build, so production neither honours EngineGenerateRequest.testFault
 * nor bundles it.
 */
import type { Engine } from '../../engine/types';

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
          const result = await engine.generate(prompt, options, { ...callbacks, onDelta: (text) => pieces.push(text) });
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
