/**
 * Builds the real manifests (production and test) with WXT and checks the
 * permissions: least privilege in production, local-page access only in the
 * test build, whose only switch is the mode.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const outDir = mkdtempSync(join(tmpdir(), 'aa-manifest-'));
let prod: chrome.runtime.ManifestV3;
let test: chrome.runtime.ManifestV3;

function wxtEnv(): NodeJS.ProcessEnv {
  // A stray variable from the old test-build switch must change nothing.
  const env: NodeJS.ProcessEnv = { ...process.env, AA_OUT_DIR: outDir, AA_TEST_BUILD: '1' };
  delete env.VITEST;
  return env;
}

function build(mode: 'production' | 'test'): chrome.runtime.ManifestV3 {
  execFileSync('npx', ['wxt', 'build', '--mode', mode], { cwd: ROOT, env: wxtEnv(), stdio: 'pipe' });
  const dir = join(outDir, mode === 'test' ? 'chrome-mv3-test' : 'chrome-mv3');
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

beforeAll(() => {
  prod = build('production');
  test = build('test');
}, 240_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const LOCAL = ['http://127.0.0.1/*', 'http://localhost/*'];

describe('manifest', () => {
  it('production asks only for what it needs', () => {
    expect([...(prod.permissions ?? [])].sort()).toEqual(['activeTab', 'contextMenus', 'declarativeNetRequestWithHostAccess', 'offscreen', 'scripting', 'storage']);
    expect(prod.host_permissions).toEqual(['https://www.overleaf.com/*', 'https://overleaf.com/*']);
    expect(prod.optional_host_permissions).toEqual(['*://*/*']);
  });

  it('production never touches local pages', () => {
    const text = JSON.stringify(prod);
    for (const local of LOCAL) expect(text).not.toContain(local);
    const generic = (prod.content_scripts ?? []).filter((c) => c.js?.includes('content-scripts/content.js'));
    expect(generic).toEqual([]);
  });

  it('production bundles neither the fixture site nor the hosts the test build grants', () => {
    for (const testOnly of ['fixture.localhost', 'notebook.example.org']) {
      const found = spawnSync('grep', ['-rl', testOnly, join(outDir, 'chrome-mv3')], { encoding: 'utf8' });
      expect(found.stdout, `${testOnly} in the production build`).toBe('');
      expect(spawnSync('grep', ['-rl', testOnly, join(outDir, 'chrome-mv3-test')], { encoding: 'utf8' }).stdout, 'the test build has it').not.toBe('');
    }
  });

  it('test build adds local pages for e2e tests and the demo', () => {
    expect(test.host_permissions).toEqual(expect.arrayContaining(LOCAL));
    const generic = (test.content_scripts ?? []).find((c) => c.js?.includes('content-scripts/content.js'));
    expect(generic).toMatchObject({ matches: LOCAL, all_frames: true });
  });

  it('is cross-origin isolated with a strict CSP, and the shortcut avoids Overleaf keys', () => {
    expect(prod.cross_origin_embedder_policy).toEqual({ value: 'require-corp' });
    expect(prod.cross_origin_opener_policy).toEqual({ value: 'same-origin' });
    // connect-src: a model server the user may configure (this computer over http, anywhere over https), nothing else.
    expect(prod.content_security_policy?.extension_pages).toBe("script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; connect-src 'self' http://localhost:* http://127.0.0.1:* https:");
    const key = prod.commands?.['generate-continuation']?.suggested_key;
    expect(key?.default).toBe('Alt+Shift+G');
    expect(key?.default).not.toMatch(/Ctrl\+(I|Space)$/);
  });

  it('ships the ORT runtime once, without the JSEP/WebGPU build', () => {
    const dir = join(outDir, 'chrome-mv3');
    const files = execFileSync('find', ['.', '-name', '*.wasm'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    expect(files.filter((f) => !f.includes('/models/'))).toEqual(['./ort/ort-wasm-simd-threaded.wasm']);
    expect(execFileSync('find', ['.', '-name', '*jsep*'], { cwd: dir, encoding: 'utf8' }).trim()).toBe('');
  });

  it('refuses to zip a test build', () => {
    const run = spawnSync('npx', ['wxt', 'zip', '--mode', 'test'], { cwd: ROOT, env: wxtEnv(), encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('Refusing to package a test build');
    expect(execFileSync('find', [outDir, '-maxdepth', '1', '-name', '*.zip'], { encoding: 'utf8' }).trim()).toBe('');
  }, 120_000);
});
