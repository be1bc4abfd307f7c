/**
 * Which kind of server answers at a URL, when the user did not say: each kind
 * has one endpoint the others lack, tried in turn (GET only, nothing of the
 * user's text is sent):
 *   Ollama    GET /api/version → {"version"}  (403 too: Ollama refusing the extension's Origin)
 *   llama.cpp GET /props → {"default_generation_settings"}
 *   OpenAI    GET {base}/models or /v1/models → {"data": […]}  (401 too: a server that wants a key)
 */
import { BackendError } from './errors';
import { Connection } from './http';
import { v1Prefix } from './openai';
import type { ServerConfig, ServerKind } from './types';

type Probe = { kind: ServerKind; path: string; matches: (body: any) => boolean; refusedMeans?: number[] };

function probes(url: string): Probe[] {
  return [
    { kind: 'ollama', path: '/api/version', matches: (b) => typeof b?.version === 'string', refusedMeans: [403] },
    { kind: 'llama.cpp', path: '/props', matches: (b) => typeof b?.default_generation_settings === 'object' },
    { kind: 'openai', path: `${v1Prefix(url)}/models`, matches: (b) => Array.isArray(b?.data), refusedMeans: [401, 403] },
  ];
}

export async function detectServerKind(config: Omit<ServerConfig, 'kind' | 'model'> & { model?: string }, signal?: AbortSignal): Promise<ServerKind> {
  let unreachable: BackendError | undefined;
  for (const probe of probes(config.url)) {
    const conn = new Connection({ ...config, model: config.model ?? '', kind: probe.kind });
    try {
      if (probe.matches(await conn.json(probe.path, { signal }))) return probe.kind;
    } catch (e) {
      if (signal?.aborted) throw e;
      if (!(e instanceof BackendError)) throw e;
      if (e.kind === 'unreachable' || e.kind === 'timeout') {
        unreachable = e;
        break;
      }
      if (e.status !== undefined && probe.refusedMeans?.includes(e.status)) return probe.kind;
    }
  }
  if (unreachable) throw new BackendError(unreachable.kind, `Nothing answers at ${config.url}: is the model server running, and is the address right?`);
  throw new BackendError('bad-response', `No Ollama, llama.cpp or OpenAI-compatible server answers at ${config.url}: check the address, or choose the server kind.`);
}
