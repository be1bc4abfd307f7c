/**
 * The popup's "Test connection", run in the background (the one context that
 * talks to model servers): the server's models, and, once one is picked, a
 * timed one-token completion with it (lib/backends testConnection), or the
 * backend's message saying what to fix. Like every request to a server, only
 * with the host permission the user granted for it (server-routes.ts).
 */
import type { Backend } from '../../backends/types';
import { serverPermissionPattern, type ServerConfig } from '../model-source';
import type { ServerTestResult } from '../protocol';
import { PERMISSION_MISSING } from './server-routes';

export async function testServer(server: ServerConfig | undefined, backendFor: (server: ServerConfig) => Backend, hasPermission: (pattern: string) => Promise<boolean>): Promise<ServerTestResult> {
  if (!server) return { ok: false, models: [], error: { kind: 'invalid-url', message: 'No server is configured yet.' } };
  let backend: Backend;
  try {
    backend = backendFor(server);
  } catch (error) {
    return { ok: false, models: [], error: errorData(error) };
  }
  const origin = backend.origin ?? undefined;
  const pattern = serverPermissionPattern(server);
  if (!(await hasPermission(pattern))) return { ok: false, models: [], origin, error: { kind: 'no-permission', message: PERMISSION_MISSING(pattern) } };
  let models: ServerTestResult['models'] = [];
  try {
    models = (await backend.listModels()).map((m) => ({ name: m.name, ...(m.details && { details: m.details }) }));
    if (server.model === '') return { ok: true, models, origin };
    const report = await backend.testConnection();
    return { ok: true, models, origin, model: report.model, latencyMs: Math.round(report.latencyMs), ...(report.serverVersion && { serverVersion: report.serverVersion }) };
  } catch (error) {
    return { ok: false, models, origin, error: errorData(error) };
  }
}

function errorData(error: unknown): { kind: string; message: string } {
  const e = error as { kind?: unknown; message?: unknown };
  return { kind: typeof e?.kind === 'string' ? e.kind : 'server-error', message: typeof e?.message === 'string' ? e.message : String(error) };
}
