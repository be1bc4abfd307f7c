/**
 * Ollama answers 403 to any Origin it does not list in OLLAMA_ORIGINS, and a
 * default install lists no extension origins. So that a default Ollama works
 * with no setup (as page-assist does), the background asks the browser to
 * send the server's own origin as `Origin` on requests to that one server:
 * one declarativeNetRequest *session* rule (gone when the browser closes,
 * re-made at start-up), scoped to the configured Ollama origin and to
 * requests made outside any tab (our background and popup, never a web
 * page's requests), needing host access to that server, which the user
 * granted for it (`declarativeNetRequestWithHostAccess` adds no install warning).
 *
 * Where the browser does not allow the rewrite (no DNR, or the server still
 * answers 403), the backend's error names the exact OLLAMA_ORIGINS fix for
 * the user's OS (hostPlatform below) and this extension's origin.
 */
import type { HostPlatform } from '../../backends/types';
import { serverOrigin } from '../../backends/server-url';
import type { ServerConfig } from '../model-source';

/** Our one session rule's id. */
export const OLLAMA_ORIGIN_RULE_ID = 1701;

/** What of `chrome.declarativeNetRequest` this needs (both browsers have it; typed loosely for Firefox). */
export interface SessionRules {
  updateSessionRules(options: { removeRuleIds?: number[]; addRules?: unknown[] }): Promise<void>;
}

/** The rule for `server`, or undefined when it is not an Ollama server. */
export function ollamaOriginRule(server: Pick<ServerConfig, 'kind' | 'url'> | undefined): Record<string, unknown> | undefined {
  if (!server || server.kind !== 'ollama') return undefined;
  const origin = serverOrigin(server.url);
  return {
    id: OLLAMA_ORIGIN_RULE_ID,
    priority: 1,
    action: { type: 'modifyHeaders', requestHeaders: [{ header: 'origin', operation: 'set', value: origin }] },
    condition: {
      // `|` anchors at the start: only URLs on exactly this origin.
      urlFilter: `|${origin}/`,
      resourceTypes: ['xmlhttprequest', 'other'],
      // -1 = no tab: extension contexts. A web page's requests to the server keep their own Origin.
      tabIds: [-1],
    },
  };
}

/** Replaces our rule with the one for `server` (or none). Returns false where the browser has no session rules. */
export async function applyOllamaOriginRule(rules: SessionRules | undefined, server: Pick<ServerConfig, 'kind' | 'url'> | undefined): Promise<boolean> {
  if (!rules?.updateSessionRules) return false;
  const rule = ollamaOriginRule(server);
  await rules.updateSessionRules({ removeRuleIds: [OLLAMA_ORIGIN_RULE_ID], addRules: rule ? [rule] : [] });
  return rule !== undefined;
}

/** chrome.runtime.getPlatformInfo's `os` as the backends name it, for the OLLAMA_ORIGINS fix they write. */
export function hostPlatform(platformOs: string | undefined): HostPlatform | undefined {
  if (platformOs === 'mac' || platformOs === 'linux') return platformOs;
  return platformOs === 'win' ? 'windows' : undefined;
}
