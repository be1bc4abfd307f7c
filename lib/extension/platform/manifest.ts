/**
 * What the manifest asks for per browser, decided here and nowhere else
 * (wxt.config.ts spreads it into the manifest it shares between browsers).
 * It follows from where the engine is hosted (engine-host.ts):
 *   - Chrome: the `offscreen` permission for the engine's document, and
 *     cross-origin isolation of extension pages (COEP/COOP), which
 *     SharedArrayBuffer and so multi-threaded WASM need.
 *   - Firefox: the engine runs in the background page, so no offscreen
 *     permission; Firefox has no manifest keys for COEP/COOP (extension pages
 *     stay non-isolated, the engine runs one WASM thread); instead the gecko
 *     settings an add-on needs (id, oldest version, data collection).
 * The background itself (Chrome's service worker, Firefox's `background.scripts`
 * event page) is WXT's per-browser default for Manifest V3.
 */

export type TargetBrowser = 'chrome' | 'firefox';

/** WXT's `-b` value: anything but Firefox builds the Chromium manifest. */
export function targetBrowser(browser: string): TargetBrowser {
  return browser === 'firefox' ? 'firefox' : 'chrome';
}

/**
 * Firefox: the gecko id, and the oldest Firefox with every API we use: MV3
 * (109), storage.session (115), MAIN-world content scripts, declared and
 * registered (128), data_collection_permissions (140, the current ESR line).
 * e2e runs on firefox-esr 153.
 */
export const GECKO = { id: 'abstract-autocomplete@abstract-autocomplete.local', strict_min_version: '140.0' };

/**
 * Firefox test build only: the Overleaf scripts also run on
 * https://127.0.0.1/project/* (the local CodeMirror page of
 * e2e/overleaf-server.ts), because Firefox has no `--host-resolver-rules`
 * to serve that page as https://www.overleaf.com.
 */
export const FIREFOX_TEST_OVERLEAF_MATCHES = ['https://127.0.0.1/project/*'];

export interface BrowserManifest {
  /** Added to the permissions every browser gets. */
  permissions: string[];
  /** Top-level manifest keys only this browser gets. */
  keys: Record<string, unknown>;
  /** Test build only: pages where the Overleaf scripts also run (the local stand-in for overleaf.com). */
  testOverleafMatches: string[];
}

export function browserManifest(browser: TargetBrowser): BrowserManifest {
  if (browser === 'firefox') {
    return {
      permissions: [],
      keys: {
        // Nothing is collected or sent (no text leaves the machine). Android: the oldest version with
        // data_collection_permissions (lint); the Android build itself is not tested.
        browser_specific_settings: {
          gecko: { ...GECKO, data_collection_permissions: { required: ['none'] } },
          gecko_android: { strict_min_version: '142.0' },
        },
      },
      testOverleafMatches: FIREFOX_TEST_OVERLEAF_MATCHES,
    };
  }
  return {
    permissions: ['offscreen'],
    keys: {
      cross_origin_embedder_policy: { value: 'require-corp' },
      cross_origin_opener_policy: { value: 'same-origin' },
    },
    // Chromium's e2e maps www.overleaf.com to the local server (--host-resolver-rules).
    testOverleafMatches: [],
  };
}
