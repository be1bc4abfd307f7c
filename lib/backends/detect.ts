/**
 * Which kind of server answers at a URL, when the user did not say: each kind
 * has one endpoint the others lack, tried in turn (GET only, nothing of the
 * user's text is sent):
 *   Ollama    GET /api/version → {"version"}  (403 too: Ollama refusing the extension's Origin)
 *   llama.cpp GET /props → {"default_generation_settings"}
 *   OpenAI    GET {base}/models or /v1/models → {"data": […]}  (401 too: a server that wants a key)
 * A llama.cpp server started with --api-key answers /props with 401 but keeps
 * /v1/models public, and names itself there (`"owned_by": "llamacpp"`): it is
 * llama.cpp, not a generic OpenAI server (its /completion gives the
 * probabilities inline suggestions need; the key is asked for when used).
 */
import { BackendError } from './errors';
import { Connection } from './http';
import { v1Prefix } from './openai';
import type { ServerConfig, ServerKind } from './types';

/** `kindOf` names the kind from the probe's answer, or null when it is not that endpoint's. */
type Probe = { kind: ServerKind; path: string; kindOf: (body: any) => ServerKind | null; refusedMeans?: number[] };

const isLlamaCppModel = (m: any) => m?.owned_by === 'llamacpp';

function probes(url: string): Probe[] {
  return [
    { kind: 'ollama', path: '/api/version', kindOf: (b) => (typeof b?.version === 'string' ? 'ollama' : null), refusedMeans: [403] },
    { kind: 'llama.cpp', path: '/props', kindOf: (b) => (typeof b?.default_generation_settings === 'object' ? 'llama.cpp' : null) },
    {
      kind: 'openai',
      path: `${v1Prefix(url)}/models`,
      kindOf: (b) => (!Array.isArray(b?.data) ? null : b.data.some(isLlamaCppModel) ? 'llama.cpp' : 'openai'),
      refusedMeans: [401, 403],
    },
  ];
}

export async function detectServerKind(config: Omit<ServerConfig, 'kind' | 'model'> & { model?: string }, signal?: AbortSignal): Promise<ServerKind> {
  let unreachable: BackendError | undefined;
  for (const probe of probes(config.url)) {
    const conn = new Connection({ ...config, model: config.model ?? '', kind: probe.kind });
    try {
      const kind = probe.kindOf(await conn.json(probe.path, { signal }));
      if (kind) return kind;
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
