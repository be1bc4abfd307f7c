/**
 * Test builds only: an engine that hangs (its generate never settles, like an
 * ONNX run that never returns) or crashes (throws, like a WASM trap), so e2e
 * tests can exercise the progress timeout and the engine restart. The
 * offscreen entry passes this to the router only in the test build, so
 * production neither honours EngineGenerateRequest.testFault nor bundles it.
 */
import type { Engine } from '../../engine/types';

export type TestFault = 'hang' | 'crash';

export function faultyEngine(fault: TestFault): Pick<Engine, 'generate'> {
  return {
    generate: () =>
      fault === 'hang'
        ? new Promise<never>(() => undefined)
        : Promise.reject(new Error('RuntimeError: memory access out of bounds (test fault)')),
  };
}
