/**
 * The benchmark page of an extension copy: bench/pages/ext-bench.ts bundled
 * into `bench-ext.js` and loaded by `bench.html`, opened as the offscreen
 * document (Chromium) or an extension page (Firefox).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../e2e/harness';

export const ESBUILD_PAGE = {
  external: ['node:*', 'sharp', 'onnxruntime-node'],
  bundle: true,
  format: 'esm' as const,
  platform: 'browser' as const,
  target: 'es2022',
  logLevel: 'error' as const,
  define: { 'process.env.NODE_ENV': '"production"' },
};

/** Writes `bench.html` + `bench-ext.js` into the extension copy `extDir`. */
export async function addBenchPage(extDir: string): Promise<void> {
  await build({ ...ESBUILD_PAGE, entryPoints: [join(ROOT, 'bench/pages/ext-bench.ts')], outfile: join(extDir, 'bench-ext.js') });
  writeFileSync(join(extDir, 'bench.html'), '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench-ext.js"></script>');
}
