/** Public entry point of the backends: one Backend per configured model source. */
export type * from './types';
export { DEFAULT_SERVER_URLS, SERVER_KINDS } from './types';
export { BackendError, isBackendError } from './errors';
export { parseServerUrl, serverOrigin } from './server-url';
export { ollamaOriginsFix, ollamaOriginsValue, guessPlatform } from './ollama-origins';
export { detectServerKind } from './detect';
export { createServerBackend, connectServer } from './create';
export { BundledBackend } from './bundled';
import type { Engine } from '../engine/types';
import { BundledBackend } from './bundled';
import type { Backend } from './types';

export function createBundledBackend(engine: Engine, options: { ownsEngine?: boolean } = {}): Backend {
  return new BundledBackend(engine, options.ownsEngine);
}
