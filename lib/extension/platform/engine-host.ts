/**
 * Where the engine runs is the one thing about hosting that differs between
 * browsers, and it is decided here, once:
 *   - Chrome: an offscreen document (engine-host.chrome.ts), because a
 *     service worker cannot run WASM threads and is stopped when idle.
 *   - Firefox: the background event page itself (engine-host.firefox.ts):
 *     Firefox has no offscreen documents, and its background is a page.
 * wxt.config.ts resolves this module to engine-host.firefox.ts for
 * `-b firefox` builds (so Chrome's background never bundles the engine and
 * Firefox's never references chrome.offscreen); everything else (TypeScript,
 * unit tests, Chrome builds) gets the Chrome host re-exported below.
 */
export type { EnginePlatform } from './engine-platform';
export { createEnginePlatform } from './engine-host.chrome';
