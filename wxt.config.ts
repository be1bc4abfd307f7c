import { resolve } from 'node:path';
import { defineConfig, type ConfigEnv } from 'wxt';
import { KIND_SCRIPTS } from './lib/extension/editors/kinds';
import { browserManifest, targetBrowser } from './lib/extension/platform/manifest';
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
 * The browser differences in hosting, resolved once: lib/extension/platform/engine-host
 * becomes engine-host.firefox.ts in Firefox builds (the engine runs in the
 * background page; see that file). Everything else imports it unchanged.
 */
function platformModule(env: ConfigEnv) {
  const target = resolve(__dirname, `lib/extension/platform/engine-host.${targetBrowser(env.browser)}.ts`);
  return {
    name: 'aa-platform-module',
    enforce: 'pre' as const,
    resolveId(source: string) {
      return /(^|\/)lib\/extension\/platform\/engine-host$/.test(source) ? target : null;
    },
  };
}

/**
 * 'wasm-unsafe-eval' is what onnxruntime-web needs to compile its WASM.
 * connect-src: our own files, plus what a model server the user configures
 * at run time can be (lib/extension/model-source.ts serverUrlProblem says the
 * same): plain http to this computer only (Ollama, llama.cpp, a tunnel), https
 * anywhere (a lab's vLLM, a hosted endpoint). The manifest cannot name the
 * user's server in advance; the narrowing to that one origin is done by the
 * run-time host permission for its host and by the backends, which refuse any
 * other origin (lib/backends/server-url.ts). No ws:, data:, blob: or plain http elsewhere.
 */
export const EXTENSION_PAGES_CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; connect-src 'self' http://localhost:* http://127.0.0.1:* https:";

export default defineConfig({
  // AA_OUT_DIR lets the manifest unit test build into a temp dir without clobbering .output/ (used by e2e).
  outDir: process.env.AA_OUT_DIR || '.output',
  // `zip:firefox` also packs the sources addons.mozilla.org asks for: what rebuilds the add-on, not
  // caches, training checkpoints or bench copies of the build.
  zip: {
    excludeSources: ['bench/cache/**', 'bench/results/**', 'model_creation/checkpoints/**', 'model_creation/work/**', '.cache/**', '.device/**', '.whl/**', 'test-results/**'],
  },
  // Manifest V3 in every browser (WXT's default for Firefox is MV2).
  manifestVersion: 3,
  modules: ['@wxt-dev/module-react'],
  vite: (env) => ({ plugins: [platformModule(env)] }),
  manifest: ({ mode, browser }) => {
    const test = isTestBuild(mode);
    // Per-browser parts (offscreen vs background-page engine, gecko settings): lib/extension/platform/manifest.ts.
    const platform = browserManifest(targetBrowser(browser));
    return {
      name: 'Abstract Autocomplete',
      description: 'Autocomplete scientific writing with a language model that runs inside your browser.',
      // declarativeNetRequestWithHostAccess: the Origin rewrite for a configured Ollama only
      // (lib/extension/background/ollama-origin.ts); it acts only where we hold host access, and adds no install warning.
      permissions: ['storage', ...platform.permissions, 'contextMenus', 'activeTab', 'scripting', 'declarativeNetRequestWithHostAccess'],
      host_permissions: [...overleaf.origins, ...(test ? [...LOCAL_TEST_MATCHES, ...TEST_GRANTED_HOSTS, ...platform.testOverleafMatches] : [])],
      // Other sites, and a model server's host, only after the user opts in from the popup (permissions.request).
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
      ...platform.keys,
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
      const { testOverleafMatches } = browserManifest(targetBrowser(wxt.config.browser));
      if (testOverleafMatches.length === 0) return;
      // Same files, same worlds and timing as the Overleaf entries WXT generated.
      for (const script of [...manifest.content_scripts]) {
        if (!script.js?.some((file) => /content-scripts\/overleaf(-main)?\.js$/.test(file))) continue;
        manifest.content_scripts.push({ ...script, matches: testOverleafMatches });
      }
    },
  },
});
