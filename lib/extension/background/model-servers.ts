/**
 * The background's model-server duties in one place, started once by
 * entrypoints/background.ts: the routes (server-routes.ts) over the settings
 * kept in memory, the Ollama Origin rule kept in step with them, the per-tab
 * fallback shown on the toolbar button, and the popup's connection test.
 */
import { browser } from 'wxt/browser';
import { createServerBackend } from '../../backends/create';
import { loadModelSource, modelSourceItem } from '../model-source';
import type { ServerTestResult } from '../protocol';
import { clearFallback, fallbackFor, fallbackItem, markFallback, parseFallbacks, type Fallbacks } from '../server-fallback';
import { watchedValue } from '../watched-value';
import { applyOllamaOriginRule, hostPlatform, type SessionRules } from './ollama-origin';
import { serverRoutes, type ServerRoutes } from './server-routes';
import { testServer } from './server-test';

export interface ModelServers {
  routeFor: ServerRoutes['routeFor'];
  /** The popup's "Test connection" for the saved server. */
  test(): Promise<ServerTestResult>;
}

export function startModelServers(extensionOrigin: string): ModelServers {
  const sourceNow = watchedValue(loadModelSource, (onChange) => modelSourceItem.watch(onChange));
  const hasPermission = (pattern: string) => browser.permissions.contains({ origins: [pattern] });
  const routes = serverRoutes({
    loadSource: sourceNow.get,
    createBackend: createServerBackend,
    hasPermission,
    fallbackFor,
    fellBack: async (tabId, message) => {
      if (tabId !== undefined) await markFallback(tabId, message);
    },
    clientOrigin: extensionOrigin,
  });
  void browser.runtime.getPlatformInfo().then((info) => routes.setPlatform(hostPlatform(info.os)), () => undefined);

  // Ollama's origin check: rewrite Origin for the configured Ollama only (ollama-origin.ts). Also before a
  // model is picked: Test connection lists the models, and Ollama refuses that request too without the rule.
  const dnr = (browser as unknown as { declarativeNetRequest?: SessionRules }).declarativeNetRequest;
  const syncOllamaRule = () =>
    void sourceNow
      .get()
      .then((source) => applyOllamaOriginRule(dnr, source.use === 'server' ? source.server : undefined))
      .catch(() => undefined);
  syncOllamaRule();
  modelSourceItem.watch(() => {
    syncOllamaRule();
    // New server settings: every tab tries the server again.
    void clearFallback().catch(() => undefined);
  });
  // The toolbar button says when a tab fell back to the bundled model after a server error.
  fallbackItem.watch((value) => void showFallbacks(parseFallbacks(value)));
  browser.tabs.onRemoved.addListener((tabId) => void clearFallback(tabId).catch(() => undefined));

  return {
    routeFor: routes.routeFor,
    test: async () => testServer((await sourceNow.get()).server, routes.backendFor, hasPermission),
  };
}

async function showFallbacks(fallbacks: Fallbacks): Promise<void> {
  const name = browser.runtime.getManifest().name;
  for (const tab of await browser.tabs.query({})) {
    if (tab.id === undefined) continue;
    const failure = fallbacks[String(tab.id)];
    await browser.action.setBadgeText({ tabId: tab.id, text: failure ? '!' : '' }).catch(() => undefined);
    const title = failure ? `${name}: the model server failed; this tab uses the bundled model. ${failure.message}` : name;
    await browser.action.setTitle({ tabId: tab.id, title }).catch(() => undefined);
  }
}
