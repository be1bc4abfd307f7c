/**
 * A local stand-in for overleaf.com for e2e tests and the demo: an HTTPS
 * server on 127.0.0.1 with a throwaway self-signed certificate, serving a
 * CodeMirror 6 editor page at /project/<id>. Chromium reaches it as
 * https://www.overleaf.com through `--host-resolver-rules` and accepts the
 * certificate with `--ignore-certificate-errors` (see `overleafLaunchOptions`).
 *
 * The editor is bundled with esbuild twice: with @codemirror/view 6.39.x
 * (`cmTile` back-pointers) and with @codemirror/view-old 6.38.x (`cmView`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, type LaunchOptions } from './harness';

export const OVERLEAF_HOST = 'www.overleaf.com';
export type CmBuild = 'new' | 'old';
export type EditorVariant = 'plain' | 'extensions' | 'fallback';

export interface OverleafServer {
  port: number;
  /** https://www.overleaf.com/project/<id>?cm=…&variant=… */
  projectUrl(opts?: { cm?: CmBuild; variant?: EditorVariant; text?: string; id?: string }): string;
  close(): Promise<void>;
}

function makeCertificate(dir: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', `/CN=${OVERLEAF_HOST}`, '-addext', `subjectAltName=DNS:${OVERLEAF_HOST}`],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

async function bundleEditor(outDir: string): Promise<Record<CmBuild, Buffer>> {
  const entry = join(ROOT, 'e2e', 'pages', 'codemirror', 'editor.ts');
  const common = { entryPoints: [entry], bundle: true, format: 'iife' as const, target: 'chrome120', logLevel: 'error' as const };
  await build({ ...common, outfile: join(outDir, 'cm-new.js') });
  // The pre-6.39 layout; @codemirror/commands' own imports of @codemirror/view follow the alias too.
  await build({ ...common, outfile: join(outDir, 'cm-old.js'), alias: { '@codemirror/view': '@codemirror/view-old' } });
  return { new: readFileSync(join(outDir, 'cm-new.js')), old: readFileSync(join(outDir, 'cm-old.js')) };
}

function projectPage(cm: CmBuild): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test project - Overleaf</title>
<style>
  body { font-family: sans-serif; margin: 0; }
  .toolbar { padding: 6px 10px; background: #1b222c; color: #fff; }
  #editor { height: 320px; width: 720px; border: 1px solid #ccc; margin: 10px; }
  #editor .cm-editor { height: 100%; }
  .cm-content { font-family: monospace; font-size: 14px; }
</style></head>
<body>
  <div class="toolbar">Test project (CodeMirror build: ${cm})</div>
  <div class="ide-react-main"><div id="editor" class="source-editor"></div></div>
  <script src="/assets/cm-${cm}.js"></script>
</body></html>`;
}

export async function startOverleafServer(): Promise<OverleafServer> {
  const dir = mkdtempSync(join(tmpdir(), 'aa-overleaf-'));
  const bundles = await bundleEditor(dir);
  const tls = makeCertificate(dir);
  const server = createServer(tls, (req, res) => {
    const url = new URL(req.url ?? '/', `https://${OVERLEAF_HOST}`);
    const cm: CmBuild = url.searchParams.get('cm') === 'old' ? 'old' : 'new';
    if (/^\/project\/[A-Za-z0-9]+$/.test(url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(projectPage(cm));
    } else if (url.pathname === '/assets/cm-new.js' || url.pathname === '/assets/cm-old.js') {
      const which: CmBuild = url.pathname.includes('old') ? 'old' : 'new';
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundles[which]);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    projectUrl({ cm = 'new', variant = 'plain', text, id = '64f0c0ffee0123456789abcd' } = {}) {
      const q = new URLSearchParams({ cm, variant });
      if (text !== undefined) q.set('text', text);
      return `https://${OVERLEAF_HOST}/project/${id}?${q}`;
    },
    async close() {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Harness options that make Chromium reach `server` as https://www.overleaf.com. */
export function overleafLaunchOptions(server: OverleafServer): LaunchOptions {
  return {
    allowHosts: [OVERLEAF_HOST],
    hostResolverRules: `MAP ${OVERLEAF_HOST}:443 127.0.0.1:${server.port}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost`,
    extraArgs: ['--ignore-certificate-errors'],
  };
}
