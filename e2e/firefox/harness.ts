/**
 * Firefox end-to-end harness: Debian's firefox-esr driven by puppeteer-core
 * over WebDriver BiDi, with the Firefox test build (`npm run
 * build:test:firefox` → .output/firefox-mv3-test) installed as a temporary
 * add-on, and e2e/pages served on 127.0.0.1 (e2e/harness.ts's server).
 *
 * "No request leaves the machine": every request to a host that is not
 * 127.0.0.1/localhost goes through a recording proxy that refuses it
 * (Firefox never proxies localhost), so a test can assert that there were
 * none.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { GECKO } from '../../lib/extension/platform/manifest';
import { ROOT, startStaticServer, type RouteHandler, type StaticServer } from '../harness';

export const FIREFOX_TEST_EXTENSION_DIR = join(ROOT, '.output', 'firefox-mv3-test');
export const FIREFOX_PATH = '/usr/bin/firefox-esr';
export const GECKO_ID = GECKO.id;
/** Fixed moz-extension:// host, so tests can open the popup page by URL. */
export const EXTENSION_UUID = '5b0f3c36-3f1c-4d59-9a61-6c0c7a0b1e2d';
export const EXTENSION_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

export interface FirefoxHarness {
  browser: Browser;
  server: StaticServer;
  pageUrl(path: string): string;
  openPage(pathOrUrl: string): Promise<Page>;
  openPopup(): Promise<Page>;
  /** Opens one of the add-on's pages (moz-extension://…/path) without waiting for its load. */
  openExtensionPage(path: string): Promise<Page>;
  /** Hosts (or CONNECT targets) that something in the browser tried to reach. */
  externalRequests: string[];
  assertNoExternalRequests(): void;
  close(): Promise<void>;
}

/**
 * Firefox's own services (Remote Settings blocklists, etc.), which it polls
 * whatever the add-on does and whose prefs cannot be changed in a release
 * build. They are refused like everything else, just not counted as ours.
 */
const FIREFOX_OWN_HOST = /^(?:[a-z0-9-]+\.)*(?:mozilla\.(?:com|net|org)|firefox\.com|mozaws\.net)(?::\d+)?$/i;

async function startRecordingProxy(seen: string[]): Promise<Server> {
  const record = (what: string, host: string) => {
    if (!FIREFOX_OWN_HOST.test(host)) seen.push(what);
  };
  const proxy = createServer((req, res) => {
    record(`${req.method} ${req.url}`, new URL(req.url ?? '', 'http://invalid').host);
    res.writeHead(403).end('blocked by the e2e harness');
  });
  proxy.on('connect', (req, socket) => {
    record(`CONNECT ${req.url}`, req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  return proxy;
}

export interface FirefoxLaunchOptions {
  routes?: RouteHandler[];
  acceptInsecureCerts?: boolean;
  extensionDir?: string;
  /**
   * Host names that resolve to 127.0.0.1 and bypass the recording proxy (the
   * test build's stand-ins for real sites, e.g. fixture.localhost), like
   * Chromium's --host-resolver-rules MAP in e2e/harness.ts.
   */
  localHosts?: string[];
}

export async function launchFirefox(options: FirefoxLaunchOptions = {}): Promise<FirefoxHarness> {
  const server = await startStaticServer(undefined, options.routes);
  const externalRequests: string[] = [];
  const proxy = await startRecordingProxy(externalRequests);
  const proxyPort = (proxy.address() as AddressInfo).port;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // WebDriver BiDi refuses to navigate a tab to moz-extension:// (the popup page) without it.
    args: ['--remote-allow-system-access'],
    acceptInsecureCerts: options.acceptInsecureCerts ?? false,
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxyPort,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxyPort,
      'network.proxy.no_proxies_on': (options.localHosts ?? []).join(','),
      'network.dns.localDomains': (options.localHosts ?? []).join(','),
    },
  });
  const id = await browser.installExtension(options.extensionDir ?? FIREFOX_TEST_EXTENSION_DIR);
  if (id !== GECKO_ID) throw new Error(`installed add-on has id ${id}, expected ${GECKO_ID}`);
  const pageUrl = (path: string) => (/^[a-z-]+:/.test(path) ? path : `${server.origin}/${path.replace(/^\//, '')}`);
  return {
    browser,
    server,
    externalRequests,
    pageUrl,
    async openPage(pathOrUrl) {
      const page = await browser.newPage();
      await page.goto(pageUrl(pathOrUrl));
      return page;
    },
    async openExtensionPage(path) {
      const page = await browser.newPage();
      // See openPopup: the navigation's end is not reported; callers poll the page.
      void page.goto(`${EXTENSION_ORIGIN}/${path}`, { waitUntil: 'domcontentloaded' }).catch(() => undefined);
      return page;
    },
    async openPopup() {
      const page = await browser.newPage();
      // The tab moves to the extension process; puppeteer does not see that
      // navigation end (firefox-esr 153), so wait for the popup's own content.
      void page.goto(`${EXTENSION_ORIGIN}/popup.html`, { waitUntil: 'domcontentloaded' }).catch(() => undefined);
      await waitFor(
        () => page.evaluate(() => location.protocol === 'moz-extension:' && document.querySelector('input[name="maxNewTokens"]') !== null).catch(() => false),
        (ready) => ready,
        30_000,
        'the popup page',
      );
      return page;
    },
    assertNoExternalRequests() {
      if (externalRequests.length) throw new Error(`requests left the machine: ${externalRequests.join(', ')}`);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await new Promise<void>((ok) => proxy.close(() => ok()));
    },
  };
}

/** Polls `read` until `ok` holds, or fails with the last value after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}
