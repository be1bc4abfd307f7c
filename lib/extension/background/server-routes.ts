/**
 * Which requests go to the configured model server: the one decision behind
 * RelayDeps.serverFor. A server answers only when it is chosen and a model is
 * picked (model-source.ts), the frame's and the tab's sites are not
 * "bundled model only", the tab has not fallen back after a failure
 * (server-fallback.ts), and the user granted access to that server's host.
 * Everything else, including the default install, uses the bundled model and
 * sends nothing anywhere.
 */
import type { Backend, HostPlatform, ServerConfig as BackendConfig } from '../../backends/types';
import { activeServer, isBundledOnly, serverPermissionPattern, type ModelSource, type ServerConfig } from '../model-source';
import type { RouteQuery } from './generate-relay';
import type { ServerRoute } from './server-relay';

export interface ServerRoutesDeps {
  loadSource(): Promise<ModelSource>;
  createBackend(config: BackendConfig): Backend;
  /** permissions.contains for one origin pattern. */
  hasPermission(pattern: string): Promise<boolean>;
  fallbackFor(tabId: number): Promise<string | undefined>;
  /** The tab falls back to the bundled model, and the toolbar button says why. */
  fellBack(tabId: number | undefined, message: string): Promise<void>;
  /** For the OLLAMA_ORIGINS fix in the backend's 403 message: this extension's origin (the OS comes via setPlatform). */
  clientOrigin: string;
}

export const PERMISSION_MISSING = (pattern: string) => `Access to ${pattern} is not granted (it was removed, or never given). Open the extension’s popup and press Test connection to grant it.`;

export interface ServerRoutes {
  /** The backend for `server` (the same one while its configuration is unchanged). */
  backendFor(server: ServerConfig): Backend;
  /** RelayDeps.serverFor. */
  routeFor(query: RouteQuery): Promise<ServerRoute | undefined>;
  /** The user's OS (runtime.getPlatformInfo answers asynchronously). */
  setPlatform(platform: HostPlatform | undefined): void;
}

export function serverRoutes(deps: ServerRoutesDeps): ServerRoutes {
  // One backend per configuration: its probed capabilities are kept between requests.
  let cached: { key: string; backend: Backend } | undefined;
  let platform: HostPlatform | undefined;
  const backendFor = (server: ServerConfig): Backend => {
    const key = JSON.stringify([server, platform]);
    if (cached?.key !== key) cached = { key, backend: deps.createBackend({ ...server, platform, clientOrigin: deps.clientOrigin }) };
    return cached.backend;
  };
  const routeFor = async (query: RouteQuery): Promise<ServerRoute | undefined> => {
    const source = await deps.loadSource();
    const server = activeServer(source);
    if (!server || isBundledOnly(source, query.origins)) return undefined;
    if (query.tabId !== undefined && (await deps.fallbackFor(query.tabId)) !== undefined) return undefined;
    const pattern = serverPermissionPattern(server);
    if (!(await deps.hasPermission(pattern))) {
      await deps.fellBack(query.tabId, PERMISSION_MISSING(pattern));
      return undefined;
    }
    return { backend: backendFor(server), failed: (message) => deps.fellBack(query.tabId, message) };
  };
  return { backendFor, routeFor, setPlatform: (p) => void (platform = p) };
}
