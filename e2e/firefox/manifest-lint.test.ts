/**
 * The production Firefox build (`wxt build -b firefox`, into a temp dir):
 * its manifest, and Mozilla's `web-ext lint` on it (0 errors; every warning
 * we keep is listed below with its reason, so a new one fails the test).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness';
import { GECKO } from '../../lib/extension/platform/manifest';

const outDir = mkdtempSync(join(tmpdir(), 'aa-firefox-'));
const dir = join(outDir, 'firefox-mv3');
let manifest: Record<string, any>;

/**
 * Warnings we keep (code + file):
 * - background.js `import(…)`: onnxruntime-web importing its own
 *   ort-wasm-simd-threaded.mjs from `wasmPaths`, which is our packaged ort/
 *   folder (runtime.getURL); the CSP (script-src 'self') allows nothing else.
 * - popup chunk `innerHTML` (twice): React DOM's own code (its `<script>`
 *   creation trick and the dangerouslySetInnerHTML prop, which our components
 *   never use); all our text goes in as text.
 */
const KEPT_WARNINGS = [
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^background\.js$/, message: /import/ },
  { code: 'UNSAFE_VAR_ASSIGNMENT', file: /^chunks\/popup-[\w-]+\.js$/, message: /innerHTML/ },
];

beforeAll(() => {
  // Vitest's NODE_ENV=test would bundle React's development build, which is not what ships.
  const env: NodeJS.ProcessEnv = { ...process.env, AA_OUT_DIR: outDir, NODE_ENV: 'production' };
  delete env.VITEST;
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { cwd: ROOT, env, stdio: 'pipe' });
  manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}, 240_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('Firefox production build', () => {
  it('is Manifest V3 with a gecko id, a minimum version and a background script', () => {
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.browser_specific_settings.gecko).toEqual({ id: GECKO.id, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } });
    expect(manifest.background).toEqual({ scripts: ['background.js'] });
    expect(existsSync(join(dir, 'background.js'))).toBe(true);
  });

  it('asks for nothing Chrome-only and nothing of the test build', () => {
    expect([...manifest.permissions].sort()).toEqual(['activeTab', 'contextMenus', 'declarativeNetRequestWithHostAccess', 'scripting', 'storage']);
    expect(manifest.cross_origin_embedder_policy).toBeUndefined();
    expect(manifest.cross_origin_opener_policy).toBeUndefined();
    expect(existsSync(join(dir, 'offscreen.html'))).toBe(false);
    expect(manifest.host_permissions).toEqual(['https://www.overleaf.com/*', 'https://overleaf.com/*']);
    const everywhere = JSON.stringify([manifest.host_permissions, manifest.content_scripts]);
    expect(everywhere).not.toMatch(/127\.0\.0\.1|localhost|example\.edu/);
  });

  it('hosts the engine in the background page (the engine is bundled there, no offscreen API is used)', () => {
    const background = readFileSync(join(dir, 'background.js'), 'utf8');
    expect(background).toContain('ort-wasm-simd-threaded');
    expect(background).not.toMatch(/\.offscreen\.createDocument|offscreen\.html/);
  });

  it('web-ext lint: 0 errors, only the warnings we keep', () => {
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'web-ext'), ['lint', '--source-dir', dir, '--output', 'json', '--no-input'], { encoding: 'utf8' });
    const report = JSON.parse(run.stdout) as { summary: { errors: number; warnings: number; notices: number }; errors: unknown[]; warnings: Array<{ code: string; file?: string; message: string }> };
    console.log(`[web-ext lint] ${JSON.stringify(report.summary)}: ${report.warnings.map((w) => `${w.code} ${w.file}: ${w.message}`).join('; ')}`);
    expect(report.errors).toEqual([]);
    const unexplained = report.warnings.filter((w) => !KEPT_WARNINGS.some((k) => k.code === w.code && k.file.test(w.file ?? '') && k.message.test(w.message)));
    expect(unexplained).toEqual([]);
  });
});
