/**
 * End-to-end harness: Debian Chromium + the built test extension
 * (`npm run build:test` → .output/chrome-mv3-test), a static HTTP server on
 * 127.0.0.1 for e2e/pages, and a network guard that records (and aborts) any
 * request to a host that is not local, so a test can assert that no text
 * ever leaves the machine.
 *
 * Shared by every e2e suite (generic fields, popup, Overleaf). Extend with
 * `extraArgs`, `allowHosts` and `hostResolverRules` rather than forking it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..');
/** WXT names the output `{browser}-mv{n}-{mode}` for non-production modes. */
export const TEST_EXTENSION_DIR = join(ROOT, '.output', 'chrome-mv3-test');
export const PAGES_DIR = join(ROOT, 'e2e', 'pages');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServer {
  /** e.g. http://127.0.0.1:43121 */
  origin: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/**
 * Serves `root` on 127.0.0.1 (never 0.0.0.0). `routes` can answer a request
 * first (return true when handled), for pages that need dynamic content.
 */
export async function startStaticServer(root = PAGES_DIR, routes: RouteHandler[] = []): Promise<StaticServer> {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    for (const route of routes) if (await route(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let path = normalize(join(base, decodeURIComponent(url.pathname)));
    if (path !== base && !path.startsWith(base + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(path));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export interface LaunchOptions {
  extensionDir?: string;
  /** More Chromium flags, e.g. '--ignore-certificate-errors'. */
  extraArgs?: string[];
  /** Hosts (besides 127.0.0.1 / localhost) the guard lets through, e.g. 'www.overleaf.com' mapped to a local server. */
  allowHosts?: string[];
  /**
   * Chromium `--host-resolver-rules`. The default makes every non-local name
   * unresolvable, a second wall behind the request guard. Override to map a
   * real host name to a local server, e.g.
   * `MAP www.overleaf.com 127.0.0.1:8443, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`.
   */
  hostResolverRules?: string;
  /** Show the browser window (needs a display); default headless. */
  headed?: boolean;
  /** Serve e2e/pages (default true). */
  serve?: boolean;
  pagesDir?: string;
  routes?: RouteHandler[];
}

export interface Harness {
  context: BrowserContext;
  extensionId: string;
  /** chrome-extension://<id> */
  extensionOrigin: string;
  /** Static server for e2e/pages (undefined with serve: false). */
  server?: StaticServer;
  /** Non-local requests seen so far (the guard aborted them). */
  blockedRequests: string[];
  /** Throws if any non-local request was attempted. Call in afterEach / at test end. */
  assertNoExternalRequests(): void;
  /** URL of a page under e2e/pages. */
  pageUrl(path: string): string;
  /** Opens a page (path under e2e/pages, or a full URL). */
  openPage(pathOrUrl: string): Promise<Page>;
  /** Opens an extension page such as 'popup.html'. */
  openExtensionPage(path: string): Promise<Page>;
  /**
   * Playwright's handle on the service worker, waking it if needed. It goes stale once the
   * worker has been stopped (Playwright does not attach to the restarted one): prefer evalInWorker.
   */
  serviceWorker(): Promise<Worker>;
  /** Evaluates `fn(arg)` in the service worker (arg and result JSON-serialisable), waking or re-finding it after a restart. */
  evalInWorker<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /**
   * Really stops the extension's service worker (as MV3 does to an idle one),
   * through the browser-level DevTools target, and waits until the browser no
   * longer lists it. Returns the stopped worker's target id.
   */
  stopServiceWorker(): Promise<string>;
  /** DevTools target ids of the extension's live service workers (a restarted worker gets a new id). */
  serviceWorkerTargetIds(): Promise<string[]>;
  /**
   * Evaluates `expression` in the first DevTools target whose URL contains `urlPart`
   * (any type: an offscreen document has no Playwright Page). Undefined if none is open.
   */
  evalInTargetByUrl(urlPart: string, expression: string): Promise<unknown>;
  /** Process ids of this browser's renderer processes (pages, extension pages, offscreen documents). */
  rendererPids(): Promise<number[]>;
  /** Runs `use` with a DevTools command sender attached to the first target whose URL contains `urlPart` (undefined if none). */
  withTargetByUrl<R>(urlPart: string, use: (send: (method: string, params?: Record<string, unknown>) => Promise<any>) => Promise<R>): Promise<R | undefined>;
  close(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const LOCAL_SCHEMES = new Set(['chrome-extension:', 'data:', 'blob:', 'about:', 'chrome:', 'devtools:', 'chrome-untrusted:']);

export function isLocalUrl(url: string, allowHosts: string[] = []): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (LOCAL_SCHEMES.has(parsed.protocol)) return true;
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'ws:' || parsed.protocol === 'wss:') {
    return LOCAL_HOSTS.has(parsed.hostname) || allowHosts.includes(parsed.hostname);
  }
  return false;
}

export async function launch(options: LaunchOptions = {}): Promise<Harness> {
  const extensionDir = options.extensionDir ?? TEST_EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionDir}. Run \`npm run build:test\` first.`);
  }
  const allowHosts = options.allowHosts ?? [];
  const server = options.serve === false ? undefined : await startStaticServer(options.pagesDir ?? PAGES_DIR, options.routes);
  const userDataDir = mkdtempSync(join(tmpdir(), 'aa-e2e-'));
  const hostRules = options.hostResolverRules ?? 'MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost';

  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    // We pass --headless=new ourselves: extensions only load in the new headless mode.
    headless: false,
    args: [
      ...(options.headed ? [] : ['--headless=new']),
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-features=DialMediaRouteProvider,OptimizationHints,Translate',
      `--host-resolver-rules=${hostRules}`,
      ...(options.extraArgs ?? []),
    ],
  });

  const blockedRequests: string[] = [];
  const guard = (url: string): boolean => {
    if (isLocalUrl(url, allowHosts)) return true;
    blockedRequests.push(url);
    return false;
  };
  // Records every request any page, frame or worker makes…
  context.on('request', (req) => void guard(req.url()));
  // …and aborts the non-local ones so nothing leaves even if a test forgets to assert.
  await context.route('**/*', (route) => {
    if (isLocalUrl(route.request().url(), allowHosts)) return route.fallback();
    return route.abort('blockedbyclient');
  });

  let worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  worker ??= await context.waitForEvent('serviceworker', { timeout: 30_000 });
  const extensionId = new URL(worker.url()).host;
  const extensionOrigin = `chrome-extension://${extensionId}`;

  /**
   * A just-started worker can be evaluated before its chrome.* bindings exist,
   * and a stopped one may never answer: probe with a bound, for a few seconds.
   */
  const isReady = async (w: Worker): Promise<boolean> => {
    for (let i = 0; i < 20; i++) {
      if (!context.serviceWorkers().includes(w)) return false;
      const probe = w.evaluate(() => typeof chrome !== 'undefined' && !!chrome.runtime?.id).catch(() => false);
      const timeout = new Promise<false>((r) => setTimeout(() => r(false), 1000));
      if (await Promise.race([probe, timeout])) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  let cdp: Promise<CDPSession> | undefined;
  /** A browser-level DevTools session (sees every target, including service workers). */
  const browserSession = (): Promise<CDPSession> => {
    const browser = context.browser();
    if (!browser) throw new Error('No Browser object for this context');
    return (cdp ??= browser.newBrowserCDPSession());
  };

  /** Any extension message starts the worker again, as in real use. */
  const wakeWorker = async (): Promise<void> => {
    const page = await context.newPage();
    try {
      await page.goto(`${extensionOrigin}/manifest.json`);
      await page.evaluate(() => chrome.runtime.sendMessage({ type: 'status' }).catch(() => undefined));
    } finally {
      await page.close();
    }
  };

  /** Every DevTools target the browser has (pages, offscreen documents, workers). */
  const listTargets = async (): Promise<Array<{ targetId: string; type: string; url: string }>> =>
    ((await (await browserSession()).send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> }).targetInfos;

  interface EvaluateReply {
    result?: { value?: unknown };
    exceptionDetails?: { text: string; exception?: { description?: string } };
  }
  /** Sends DevTools commands to a target through the browser session; one attach per call of `use`. */
  type TargetSend = (method: string, params?: Record<string, unknown>) => Promise<any>;
  /**
   * Non-flat attach, because Playwright's CDPSession cannot address a child
   * session: commands and replies travel inside Target.sendMessageToTarget /
   * Target.receivedMessageFromTarget.
   */
  const inTarget = async <R>(targetId: string, use: (send: TargetSend) => Promise<R>): Promise<R> => {
    const session = await browserSession();
    const { sessionId } = (await session.send('Target.attachToTarget', { targetId, flatten: false })) as { sessionId: string };
    const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
    const onMessage = (event: { sessionId?: string; message: string }) => {
      if (event.sessionId !== sessionId) return;
      const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id!);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result ?? {});
    };
    session.on('Target.receivedMessageFromTarget', onMessage);
    let nextId = 1;
    const send: TargetSend = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('no answer from the DevTools target'));
        }, 30_000);
        pending.set(id, { resolve: (v) => (clearTimeout(timer), resolve(v)), reject: (e) => (clearTimeout(timer), reject(e)) });
        void session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
      });
    try {
      return await use(send);
    } finally {
      session.off('Target.receivedMessageFromTarget', onMessage);
      await session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
  };
  const evaluateInTarget = (targetId: string, expression: string): Promise<EvaluateReply> =>
    inTarget(targetId, (send) => send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }));

  const findWorker = (): Worker | undefined =>
    context.serviceWorkers().find((w) => w.url().startsWith(`${extensionOrigin}/`));

  const harness: Harness = {
    context,
    extensionId,
    extensionOrigin,
    server,
    blockedRequests,
    assertNoExternalRequests() {
      if (blockedRequests.length > 0) {
        throw new Error(`Requests left the machine (blocked): ${[...new Set(blockedRequests)].join(', ')}`);
      }
    },
    pageUrl(path) {
      if (!server) throw new Error('launch({serve: false}) has no page server');
      return `${server.origin}/${path.replace(/^\//, '')}`;
    },
    async openPage(pathOrUrl) {
      const page = await context.newPage();
      await page.goto(/^[a-z-]+:/.test(pathOrUrl) ? pathOrUrl : harness.pageUrl(pathOrUrl));
      return page;
    },
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`${extensionOrigin}/${path.replace(/^\//, '')}`);
      return page;
    },
    async serviceWorker() {
      for (let attempt = 0; attempt < 3; attempt++) {
        const live = findWorker();
        if (live && (await isReady(live))) return live;
        await wakeWorker();
      }
      throw new Error('The extension service worker did not start');
    },
    async evalInWorker(fn, arg) {
      // Through our own DevTools session rather than Playwright's Worker: once a
      // worker has been stopped (stopServiceWorker, or MV3 idling it out) Playwright
      // keeps the old handle and never attaches to the restarted worker.
      const expression = `(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)})`;
      for (let attempt = 0; attempt < 20; attempt++) {
        const [targetId] = await harness.serviceWorkerTargetIds();
        if (targetId) {
          const reply = await evaluateInTarget(targetId, expression).catch((error: Error) => ({ retry: error }));
          if (!('retry' in reply)) {
            if (reply.exceptionDetails) {
              const text = reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text;
              // A just-started worker may not have its chrome.* bindings yet: try again.
              if (!/chrome is not defined/.test(text)) throw new Error(`evalInWorker: ${text}`);
            } else {
              return reply.result?.value as never;
            }
          }
        } else {
          await wakeWorker();
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('The extension service worker did not start');
    },
    async serviceWorkerTargetIds() {
      return (await listTargets()).filter((t) => t.type === 'service_worker' && t.url.startsWith(`${extensionOrigin}/`)).map((t) => t.targetId);
    },
    async evalInTargetByUrl(urlPart, expression) {
      const target = (await listTargets()).find((t) => t.url.includes(urlPart));
      if (!target) return undefined;
      const reply = await evaluateInTarget(target.targetId, expression);
      if (reply.exceptionDetails) throw new Error(`evalInTargetByUrl: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text}`);
      return reply.result?.value;
    },
    async rendererPids() {
      const info = (await (await browserSession()).send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> };
      return info.processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
    },
    async withTargetByUrl(urlPart, use) {
      const target = (await listTargets()).find((t) => t.url.includes(urlPart));
      return target ? inTarget(target.targetId, use) : undefined;
    },
    async stopServiceWorker() {
      // Neither Stop in chrome://serviceworker-internals nor ServiceWorker.stopAllWorkers
      // stopped our worker in headless Chromium 156; closing its DevTools target does
      // (ServiceWorkerDevToolsAgentHost::Close stops the worker): its timers and
      // relays end, and the next extension event starts a new one.
      const [targetId] = await harness.serviceWorkerTargetIds();
      if (!targetId) throw new Error('No extension service worker to stop');
      const close = async () => (await browserSession()).send('Target.closeTarget', { targetId }).catch(() => undefined);
      await close();
      const deadline = Date.now() + 15_000;
      let closedAt = Date.now();
      while ((await harness.serviceWorkerTargetIds()).includes(targetId)) {
        if (Date.now() > deadline) throw new Error('The service worker did not stop');
        // A close sent while the worker was busy starting or handling events was seen not to take: ask again.
        if (Date.now() - closedAt > 2_000) {
          await close();
          closedAt = Date.now();
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      return targetId;
    },
    async close() {
      await context.close().catch(() => undefined);
      await server?.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * A route that serves `entry` bundled by esbuild (IIFE, production React),
 * built once on first request — for test pages that need npm packages
 * (React, CodeMirror) without committing build output.
 */
export function bundleRoute(urlPath: string, entry: string): RouteHandler {
  let built: Promise<string> | undefined;
  return async (req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== urlPath) return false;
    built ??= import('esbuild').then(async (esbuild) => {
      const result = await esbuild.build({
        entryPoints: [resolve(ROOT, entry)],
        bundle: true,
        format: 'iife',
        write: false,
        jsx: 'automatic',
        define: { 'process.env.NODE_ENV': '"production"' },
        logLevel: 'silent',
      });
      return result.outputFiles[0]!.text;
    });
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
    res.end(await built);
    return true;
  };
}

/** A box on screen, in the top page's CSS pixels (what `page.mouse` takes). */
export interface ScreenBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface CdpNode {
  backendNodeId: number;
  localName: string;
  attributes?: string[];
  children?: CdpNode[];
  shadowRoots?: CdpNode[];
  contentDocument?: CdpNode;
}

/**
 * Where the visible `<button>` whose aria-label matches `name` is, inside a
 * `hostTag` element's shadow root, in any same-process frame. Works for closed
 * shadow roots, which page scripts and Playwright's locators cannot enter:
 * DevTools sees the whole tree (`pierce`), and a real mouse click at the box
 * is what a person does. Null when no such button is rendered.
 */
export async function shadowButtonBox(page: Page, hostTag: string, name: RegExp): Promise<ScreenBox | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = (await cdp.send('DOM.getDocument', { depth: -1, pierce: true })) as unknown as { root: CdpNode };
    const buttons: CdpNode[] = [];
    const walk = (node: CdpNode, inHost: boolean): void => {
      const attrs = node.attributes ?? [];
      const label = attrs[attrs.indexOf('aria-label') + 1];
      if (inHost && node.localName === 'button' && attrs.includes('aria-label') && label !== undefined && name.test(label)) buttons.push(node);
      for (const child of node.children ?? []) walk(child, inHost);
      for (const shadow of node.shadowRoots ?? []) walk(shadow, inHost || node.localName === hostTag);
      if (node.contentDocument) walk(node.contentDocument, false);
    };
    walk(root, false);
    for (const button of buttons) {
      // A button in a hidden (display: none) subtree has no quads: not on screen.
      const reply = await cdp.send('DOM.getContentQuads', { backendNodeId: button.backendNodeId }).catch(() => null);
      const quad = (reply as { quads?: number[][] } | null)?.quads?.[0];
      if (!quad) continue;
      const xs = [quad[0]!, quad[2]!, quad[4]!, quad[6]!];
      const ys = [quad[1]!, quad[3]!, quad[5]!, quad[7]!];
      const box = { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
      if (box.width > 0 && box.height > 0) return box;
    }
    return null;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Waits until that button is on screen and clicks its middle with the mouse (a trusted click). */
export async function clickShadowButton(page: Page, hostTag: string, name: RegExp, timeoutMs = 10_000): Promise<ScreenBox> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const box = await shadowButtonBox(page, hostTag, name);
    if (box) {
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      return box;
    }
    if (Date.now() > deadline) throw new Error(`No visible ${hostTag} button named ${name}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Test build: how many generation Ports the current service worker has accepted (entrypoints/background.ts). */
export function generatePortsOpened(h: Harness): Promise<number> {
  return h.evalInWorker(() => (globalThis as unknown as { __aaTest: { generatePorts: number } }).__aaTest.generatePorts);
}

/** Test build: paces every generation's stream (ms per event; 0 = off), see offscreen/paced-sink.ts. */
export function setTestPace(h: Harness, ms: number): Promise<void> {
  return h.evalInWorker((v) => chrome.storage.local.set({ testPaceMs: v }), ms);
}
