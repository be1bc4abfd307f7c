/**
 * The factory the extension and the CLIs call: one Backend per server config.
 * No node:* imports anywhere below this module (service worker, Firefox event page).
 */
import { detectServerKind } from './detect';
import { LlamaCppBackend } from './llama-cpp';
import { OllamaBackend } from './ollama';
import { OpenAiBackend } from './openai';
import type { Backend, ServerConfig, ServerKind } from './types';

/** The backend for one server; throws BackendError 'invalid-url' for a URL we will not send text to. */
export function createServerBackend(config: ServerConfig): Backend {
  switch (config.kind) {
    case 'ollama':
      return new OllamaBackend(config);
    case 'llama.cpp':
      return new LlamaCppBackend(config);
    case 'openai':
      return new OpenAiBackend(config);
  }
}

/** As createServerBackend, detecting the kind first when it is not given (GET probes only). */
export async function connectServer(config: Omit<ServerConfig, 'kind'> & { kind?: ServerKind }, signal?: AbortSignal): Promise<Backend> {
  const kind = config.kind ?? (await detectServerKind(config, signal));
  return createServerBackend({ ...config, kind });
}
