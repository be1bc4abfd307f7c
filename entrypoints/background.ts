/**
 * Background (Chrome: service worker; Firefox: event page): checks who is
 * asking, relays generation streams between pages and the engine (hosted
 * where lib/extension/platform/engine-host.ts says), owns the context menu and
 * keyboard command, keeps opt-in site registrations in sync, and answers from
 * a model server when the user configured one. It keeps no
 * state that matters across restarts (MV3 may stop it at any time).
 */
import { browser } from 'wxt/browser';
import { createEnginePlatform } from '@/lib/extension/platform/engine-host';
import { relayGeneration } from '@/lib/extension/background/generate-relay';
import { classifySender } from '@/lib/extension/background/sender-check';
import { createContextMenu, onCommand, onContextMenuClicked } from '@/lib/extension/background/triggers';
import type { PortLike } from '@/lib/extension/ports';
import { BackgroundRequest, ENGINE_PORT, GENERATE_PORT, parseMessage, type EngineGenerateRequest, type EngineStatus } from '@/lib/extension/protocol';
import { loadSettings, settingsItem } from '@/lib/extension/settings';
import { inlineSettingsItem, loadInlineSettings } from '@/lib/extension/inline-settings-store';
import { watchedValue } from '@/lib/extension/watched-value';
import { syncRegistrations } from '@/lib/extension/site-access';
import { startModelServers } from '@/lib/extension/background/model-servers';

/** Test build only: e2e tests slow the stream down via storage.local `testPaceMs` (offscreen/paced-sink.ts). */
const testPaceMs =
  import.meta.env.MODE === 'test'
    ? async () => Number((await browser.storage.local.get('testPaceMs')).testPaceMs) || 0
    : undefined;

/**
 * Test build only: e2e tests make the engine hang, crash or run slowly via storage.session
 * `testFault` (offscreen/test-faults.ts). storage.session is only open to our
 * own extension pages and worker, not to content scripts.
 */
const testFault =
  import.meta.env.MODE === 'test'
    ? async (): Promise<EngineGenerateRequest['testFault']> => {
        const { testFault: fault } = await browser.storage.session.get('testFault');
        return fault === 'hang' || fault === 'crash' || fault === 'slow' ? fault : undefined;
      }
    : undefined;

/** Test build only: e2e tests make the engine write a given text via storage.session `testOutput` (offscreen/test-faults.ts). */
const testOutput =
  import.meta.env.MODE === 'test'
    ? async (): Promise<string | undefined> => {
        const { testOutput: text } = await browser.storage.session.get('testOutput');
        return typeof text === 'string' && text !== '' ? text : undefined;
      }
    : undefined;

export default defineBackground(() => {
  const runtimeId = browser.runtime.id;
  const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;
  const engine = createEnginePlatform();
  const connectEngine = () => engine.connect();
  // Kept in memory between requests (a typing pause asks for both), re-read when storage changes.
  const settingsNow = watchedValue(loadSettings, (onChange) => settingsItem.watch(onChange));
  const inlineNow = watchedValue(loadInlineSettings, (onChange) => inlineSettingsItem.watch(onChange));
  // A model server the user configured, if any (lib/extension/background/model-servers.ts).
  const servers = startModelServers(extensionOrigin);

  // Listeners are registered synchronously at top level so a message that
  // wakes the worker is not lost.
  browser.runtime.onConnect.addListener((port) => {
    if (port.name === ENGINE_PORT) {
      engine.acceptEnginePort(port as unknown as PortLike);
      return;
    }
    if (port.name !== GENERATE_PORT) return;
    // Test build: e2e proves a page's synthetic click opens no generation.
    if (import.meta.env.MODE === 'test') (globalThis as { __aaTest?: { generatePorts: number } }).__aaTest!.generatePorts++;
    relayGeneration(port as unknown as PortLike, { runtimeId, extensionOrigin, loadSettings: settingsNow.get, loadInlineSettings: inlineNow.get, serverFor: servers.routeFor, connectEngine, testPaceMs, testFault, testOutput });
  });

  browser.runtime.onMessage.addListener((raw: unknown, sender, sendResponse) => {
    // Requests addressed to the offscreen document pass through here too.
    if ((raw as { target?: unknown } | null)?.target === 'offscreen') return;
    const who = classifySender(sender, runtimeId, extensionOrigin);
    if (who.kind === 'rejected') return;
    const parsed = parseMessage(BackgroundRequest, raw);
    if (!parsed.ok) return;
    if (parsed.data.type === 'server:test') {
      // Only our own pages (the popup, also when opened in a tab) may make the background contact a server on request.
      if (!sender.url?.startsWith(`${extensionOrigin}/`)) return;
      void servers.test().then(sendResponse);
      return true;
    }
    void (async (): Promise<EngineStatus> => {
      if (parsed.data.type === 'warm') return engine.warm((await settingsNow.get()).idleUnloadMinutes);
      return engine.status();
    })()
      .catch((error: Error) => ({ state: 'error', error: error.message }) as EngineStatus)
      .then(sendResponse);
    return true;
  });

  browser.contextMenus.onClicked.addListener((info, tab) => void onContextMenuClicked(info, tab));
  browser.commands.onCommand.addListener((command, tab) => void onCommand(command, tab));

  browser.runtime.onInstalled.addListener(() => {
    createContextMenu();
    // Built-in sites (lib/extension/sites/) whose scripts are registered at run time.
    void syncRegistrations().catch(() => undefined);
  });
  browser.runtime.onStartup.addListener(() => void syncRegistrations().catch(() => undefined));
  browser.permissions.onRemoved.addListener(() => void syncRegistrations().catch(() => undefined));
  browser.permissions.onAdded.addListener(() => void syncRegistrations().catch(() => undefined));

  if (import.meta.env.MODE === 'test') {
    // Playwright cannot open native menus or press browser shortcuts; the e2e
    // tests call the same handlers the real listeners call.
    Object.assign(globalThis, { __aaTest: { onContextMenuClicked, onCommand, CONTEXT_MENU_ID: 'aa-generate-continuation', generatePorts: 0 } });
  }
});
