/**
 * "No text leaves the machine" is enforced by the browser: the extension
 * pages' CSP has `connect-src 'self'`, so even our own code (or a bug in a
 * dependency) cannot send a request from an extension page. The target is a
 * local server that counts what reaches it: a CSP-blocked request never does,
 * while a request the CSP allowed would (the harness lets 127.0.0.1 through).
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Harness } from './harness';

let h: Harness;
const reached: string[] = [];

beforeAll(async () => {
  h = await launch({
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

describe('extension pages cannot send text anywhere', () => {
  it('the popup can read its own files but not fetch another origin', async () => {
    const popup = await h.openExtensionPage('popup.html');
    const result = await popup.evaluate(tryFetches, `${h.server!.origin}/leak?from=popup`);
    expect(result.own).toBe(200);
    expect(result.remote).toMatch(/^blocked/);
    await popup.close();
  });

  it('neither can the service worker', async () => {
    const result = await h.evalInWorker(tryFetches, `${h.server!.origin}/leak?from=worker`);
    expect(result.own).toBe(200);
    expect(result.remote).toMatch(/^blocked/);
  });

  it('no request reached the server, and the check itself can see one that is allowed', async () => {
    expect(reached).toEqual([]);
    // A web page (no extension CSP) reaches the same URL: the counter works.
    const page = await h.openPage('textarea.html');
    await page.evaluate((url) => fetch(url).then((r) => r.text()), `${h.server!.origin}/leak?from=page`);
    expect(reached).toEqual(['/leak?from=page']);
    await page.close();
    h.assertNoExternalRequests();
  });
});
