/**
 * The benchmark pages of an extension copy: bench/pages/ext-bench.ts bundled
 * into `bench-ext.js` and loaded by `bench.html`, opened as the offscreen
 * document (Chromium) or an extension page (Firefox); and transformers.js's
 * page (bench/pages/tjs-page.ts → `tjs.js`, `tjs.html`, its own onnxruntime-web
 * files under `tjs-ort/`), opened as the offscreen document the same way.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../e2e/harness';
import { TJS_ORT } from './tjs-server';

export const ESBUILD_PAGE = {
  external: ['node:*', 'sharp', 'onnxruntime-node'],
  bundle: true,
  format: 'esm' as const,
  platform: 'browser' as const,
  target: 'es2022',
  logLevel: 'error' as const,
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** Bundles bench/pages/NAME.ts into `dir/SCRIPT` and writes `dir/HTML`, the page that loads it. */
async function addPage(dir: string, entry: string, script: string, html: string, title: string): Promise<void> {
  await build({ ...ESBUILD_PAGE, entryPoints: [join(ROOT, 'bench/pages', entry)], outfile: join(dir, script) });
  writeFileSync(join(dir, html), `<!doctype html><meta charset="utf-8"><title>${title}</title><script type="module" src="/${script}"></script>`);
}

/** Writes `bench.html` + `bench-ext.js` into the extension copy `extDir`. */
export async function addBenchPage(extDir: string): Promise<void> {
  await addPage(extDir, 'ext-bench.ts', 'bench-ext.js', 'bench.html', 'bench');
}

/**
 * Writes transformers.js's page, `tjs.html` + `tjs.js`, into the extension copy
 * `extDir`, with its onnxruntime-web build's runtime files (`ort-wasm*`, what
 * `wasmPaths` loads) under `tjs-ort/`: nothing serves bench/transformersjs
 * there. The page finds its model under `/models/NAME/`.
 */
export async function addTjsPage(extDir: string): Promise<void> {
  await addPage(extDir, 'tjs-page.ts', 'tjs.js', 'tjs.html', 'tjs bench');
  cpSync(TJS_ORT, join(extDir, 'tjs-ort'), { recursive: true, filter: (f) => f === TJS_ORT || basename(f).startsWith('ort-wasm') });
}
