import { resolve } from 'node:path';
import { defineConfig } from 'wxt';
import { KIND_SCRIPTS } from './lib/extension/editors/kinds';
import overleaf from './lib/extension/sites/overleaf.site';

/**
 * The test build (`npm run build:test` = `wxt build --mode test`) may also run
 * on local pages (127.0.0.1 / localhost) so e2e tests and the demo need no
 * permission prompt. The mode is the only switch (no environment variable can
 * turn a production build into a test build), and `wxt zip` refuses a test
 * build. lib/extension/manifest.test.ts builds both manifests and checks.
 */
export const LOCAL_TEST_MATCHES = ['http://127.0.0.1/*', 'http://localhost/*'];
/**
 * Test build only: hosts granted as if the user had accepted the permission
 * prompt (which e2e cannot click): a self-hosted Overleaf
 * (e2e/overleaf-self-hosted.test.ts), a site enabled from the popup
 * (e2e/enable-site.test.ts) and the fixture site
 * (lib/extension/sites/fixture.site.ts), all mapped to local servers.
 * Granted is not enabled: nothing runs there until the popup adds the site.
 */
export const TEST_GRANTED_HOSTS = ['https://overleaf.example.edu/*', 'http://notebook.example.org/*', 'http://fixture.localhost/*'];

/** onnxruntime-web runtime files we ship, once, under `ort/` (no JSEP/WebGPU build). */
export const ORT_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

const isTestBuild = (mode: string): boolean => mode === 'test';

/**
 * Extension pages may only fetch their own files: "no text leaves the machine"
 * is enforced by the browser, not by convention. 'wasm-unsafe-eval' is what
 * onnxruntime-web needs to compile its WASM; nothing else is relaxed.
 */
export const EXTENSION_PAGES_CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; connect-src 'self'";

export default defineConfig({
  // AA_OUT_DIR lets the manifest unit test build into a temp dir without clobbering .output/ (used by e2e).
  outDir: process.env.AA_OUT_DIR || '.output',
  modules: ['@wxt-dev/module-react'],
  manifest: ({ mode }) => {
    const test = isTestBuild(mode);
    return {
      name: 'Abstract Autocomplete',
      description: 'Autocomplete scientific writing with a language model that runs inside your browser.',
      permissions: ['storage', 'offscreen', 'contextMenus', 'activeTab', 'scripting'],
      host_permissions: [...overleaf.origins, ...(test ? [...LOCAL_TEST_MATCHES, ...TEST_GRANTED_HOSTS] : [])],
      // Other sites only after the user opts in from the popup (permissions.request).
      optional_host_permissions: ['*://*/*'],
      commands: {
        'generate-continuation': {
          // Not Ctrl+I / Ctrl+Space: Overleaf uses both. Users can change it at chrome://extensions/shortcuts.
          suggested_key: { default: 'Alt+Shift+G', mac: 'MacCtrl+Shift+G' },
          description: 'Generate a continuation at the caret',
        },
      },
      content_security_policy: {
        extension_pages: EXTENSION_PAGES_CSP,
      },
      // Cross-origin isolation for extension pages (the offscreen document):
      // required for SharedArrayBuffer, i.e. multi-threaded WASM.
      cross_origin_embedder_policy: { value: 'require-corp' },
      cross_origin_opener_policy: { value: 'same-origin' },
    };
  },
  hooks: {
    // Ship the ORT runtime from node_modules as plain files (no second copy in git).
    'build:publicAssets': (wxt, files) => {
      const dist = resolve(wxt.config.root, 'node_modules/onnxruntime-web/dist');
      for (const name of ORT_FILES) files.push({ absoluteSrc: resolve(dist, name), relativeDest: `ort/${name}` });
    },
    // A store upload must never carry the test build's local-page access.
    'zip:start': (wxt) => {
      if (isTestBuild(wxt.config.mode)) throw new Error('Refusing to package a test build (mode "test"): run `npm run zip` for the production build.');
    },
    'build:manifestGenerated': (wxt, manifest) => {
      if (!isTestBuild(wxt.config.mode)) return;
      // The plain-field and CodeMirror scripts are registered at run time in
      // production (opt-in sites); the test build also declares them for local pages.
      manifest.content_scripts ??= [];
      for (const script of [...KIND_SCRIPTS.plain, ...KIND_SCRIPTS.codemirror]) {
        manifest.content_scripts.push({
          matches: LOCAL_TEST_MATCHES,
          js: [script.file],
          all_frames: true,
          run_at: script.runAt,
          ...(script.world === 'MAIN' && { world: 'MAIN' }),
        });
      }
    },
  },
});
