/**
 * Which model answers: the bundled one (the default: nothing leaves the
 * machine) or a model server the user configured in the popup (Ollama,
 * llama.cpp server, any OpenAI-compatible /v1/completions endpoint), plus the
 * sites that must stay on the bundled model whatever is configured.
 *
 * Stored in `storage.local` only, never `storage.sync`: the API key must not
 * follow the user to other machines, and a server URL is a fact about this
 * machine (localhost). Nothing here is ever logged. A stored value that does
 * not validate reads as the bundled model, so a bad value can only make the
 * extension more private, never send text somewhere unexpected.
 */
import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { parseServerUrl } from '../backends/server-url';
import { SERVER_KINDS, type ServerKind } from '../backends/types';

export { DEFAULT_SERVER_URLS, SERVER_KINDS, type ServerKind } from '../backends/types';

export const SERVER_KIND_LABELS: Readonly<Record<ServerKind, string>> = Object.freeze({
  ollama: 'Ollama',
  'llama.cpp': 'llama.cpp server',
  openai: 'OpenAI-compatible (vLLM, TGI, LM Studio, …)',
});

/** Hosts that may be reached over plain http: this machine only (the CSP says the same, wxt.config.ts). */
export const LOCAL_HTTP_HOSTS = ['localhost', '127.0.0.1'];

/**
 * Why a URL cannot be a model server, or undefined when it can: the backends'
 * own URL rules (lib/backends/server-url.ts), and plain http only to this
 * machine: text sent over http to another host crosses the network readable
 * by anyone on the way (the extension's CSP refuses it too).
 */
export function serverUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = parseServerUrl(url);
  } catch (error) {
    return (error as Error).message;
  }
  if (parsed.protocol === 'http:' && !LOCAL_HTTP_HOSTS.includes(parsed.hostname)) {
    return 'Use https:// for a server on another machine (plain http would send your text across the network unencrypted), or reach it through a tunnel to localhost';
  }
  return undefined;
}

/** The URL as stored: trimmed, without a trailing slash. */
export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

export const serverConfigSchema = z.object({
  kind: z.enum(SERVER_KINDS as [ServerKind, ...ServerKind[]], { error: 'Choose Ollama, llama.cpp server or OpenAI-compatible' }),
  url: z.string().superRefine((url, ctx) => {
    const problem = serverUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** '' until the user picks one from the server's list. */
  model: z.string().max(300, { error: 'The model name is too long' }),
  /** Sent as `Authorization: Bearer` to this server only. */
  apiKey: z.string().max(1000, { error: 'The API key is too long' }).optional(),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

export const modelSourceSchema = z.object({
  use: z.enum(['bundled', 'server']),
  /** Kept while the bundled model is chosen, so switching back needs no retyping. */
  server: serverConfigSchema.optional(),
  /** Origins ("https://example.org") whose text never goes to a server. */
  bundledOnly: z.array(z.string().min(1).max(600)).max(1000),
});
export type ModelSource = z.infer<typeof modelSourceSchema>;

export const DEFAULT_MODEL_SOURCE: Readonly<ModelSource> = Object.freeze({ use: 'bundled', bundledOnly: [] });

export const modelSourceItem = storage.defineItem<ModelSource>('local:modelSource', {
  fallback: DEFAULT_MODEL_SOURCE as ModelSource,
  version: 1,
});

/** Anything that does not validate is the bundled model (see the module comment). */
export function parseModelSource(raw: unknown): ModelSource {
  const parsed = modelSourceSchema.safeParse(raw);
  if (parsed.success) return { ...parsed.data, ...(parsed.data.server && { server: { ...parsed.data.server, url: normalizeServerUrl(parsed.data.server.url) } }) };
  const sites = z.object({ bundledOnly: modelSourceSchema.shape.bundledOnly }).safeParse(raw);
  return { use: 'bundled', bundledOnly: sites.success ? sites.data.bundledOnly : [] };
}

export async function loadModelSource(): Promise<ModelSource> {
  return parseModelSource(await modelSourceItem.getValue());
}

export function watchModelSource(cb: (source: ModelSource) => void): () => void {
  return modelSourceItem.watch((value) => cb(parseModelSource(value)));
}

/** Validates and saves; nothing is written when it does not validate. */
export async function saveModelSource(next: ModelSource): Promise<{ ok: true; source: ModelSource } | { ok: false; error: string }> {
  const parsed = modelSourceSchema.safeParse(next);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'Invalid model settings' };
  const source = parseModelSource(parsed.data);
  await modelSourceItem.setValue(source);
  return { ok: true, source };
}

/**
 * The host permission asked for at run time: the server's host on its scheme,
 * every port. Firefox refuses a port in a match pattern (Chrome would match
 * one), so this is the narrowest pattern both browsers accept; the code itself
 * still refuses every origin but the configured one (lib/backends/server-url.ts).
 */
export function serverPermissionPattern(server: Pick<ServerConfig, 'url'>): string {
  const { protocol, hostname } = new URL(server.url);
  return `${protocol}//${hostname.includes(':') ? `[${hostname}]` : hostname}/*`;
}

/** The configured server, when requests should go there at all (chosen, and a model picked). */
export function activeServer(source: ModelSource): ServerConfig | undefined {
  return source.use === 'server' && source.server && source.server.model !== '' ? source.server : undefined;
}

/** Whether text from `origins` (the frame's and the tab's) must stay on the bundled model. */
export function isBundledOnly(source: ModelSource, origins: (string | undefined)[]): boolean {
  return origins.some((origin) => origin !== undefined && source.bundledOnly.includes(origin));
}

export function setBundledOnly(source: ModelSource, origin: string, on: boolean): ModelSource {
  const others = source.bundledOnly.filter((o) => o !== origin);
  return { ...source, bundledOnly: on ? [...others, origin] : others };
}
