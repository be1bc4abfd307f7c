/**
 * The local server for transformers.js's page: COOP/COEP, so the page is
 * cross-origin isolated like the extension; its own onnxruntime-web build's
 * files under /tjs-ort/, model directories under /models/NAME/, everything
 * else from `www`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { ROOT } from '../../e2e/harness';

const TJS_ORT = join(ROOT, 'bench/transformersjs/node_modules/onnxruntime-web/dist');
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

/** Serves on a free local port; `models` maps a name under /models/ to its directory. Returns the server and its origin. */
export async function serveTjs(www: string, models: Record<string, string>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let root = www;
    let rel = decodeURIComponent(url.pathname);
    if (rel.startsWith('/tjs-ort/')) [root, rel] = [TJS_ORT, rel.slice('/tjs-ort'.length)];
    else if (rel.startsWith('/models/')) {
      const [, , name, ...rest] = rel.split('/');
      const dir = models[name];
      if (!dir) return void res.writeHead(404).end();
      [root, rel] = [dir, '/' + rest.join('/')];
    }
    const path = normalize(join(root, rel));
    const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin', 'cache-control': 'no-store' };
    if (!path.startsWith(root + sep) || !existsSync(path) || statSync(path).isDirectory()) return void res.writeHead(404, headers).end('not found');
    res.writeHead(200, { ...headers, 'content-type': MIME[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export { TJS_ORT };
