/**
 * Shared steps of the inline-suggestion e2e tests (e2e/inline*.test.ts):
 * settings through the extension's storage, waiting for a final ghost, and a
 * page-side recorder of every ghost that appears.
 */
import type { Page } from 'playwright-core';
import type { InlineSettings } from '../lib/suggest/inline-settings';
import { DEFAULT_INLINE_SETTINGS } from '../lib/suggest/inline-settings';
import type { Harness } from './harness';

export { INLINE_STATE_ATTR } from '../lib/extension/editors/inline-marker';

/** Writes the inline settings as the popup would (storage.sync `inlineSettings`). */
export async function setInlineSettings(h: Harness, settings: Partial<InlineSettings>): Promise<void> {
  await h.evalInWorker((v) => chrome.storage.sync.set({ inlineSettings: v }), { ...DEFAULT_INLINE_SETTINGS, ...settings });
}

/** Waits for a final inline ghost (not streaming) under `page` and returns its text. */
export async function inlineGhost(page: Page): Promise<string> {
  const ghost = page.locator('[data-abstract-autocomplete="ghost"][data-streaming="false"] .aa-ghost-text');
  await ghost.first().waitFor({ timeout: 90_000 });
  const text = await ghost.first().textContent();
  if (!text || !text.trim()) throw new Error('the ghost is empty');
  return text;
}

export interface GhostRecorder {
  /** Each ghost text that appeared, with the field's text at that moment. */
  records(): Promise<Array<{ ghost: string; doc: string }>>;
  /** How often the ghost left the screen since the recorder started. */
  gaps(): Promise<number>;
}

/**
 * Records in the page, on every DOM change, the ghost shown and the editor's
 * text at that moment (`read` is evaluated in the page and returns that text).
 */
export async function watchGhosts(page: Page, read = '(window.__cm ? window.__cm.state.doc.toString() : (document.activeElement.value ?? document.activeElement.textContent))'): Promise<GhostRecorder> {
  await page.evaluate((readSource) => {
    const w = window as unknown as { __ghosts: { records: Array<{ ghost: string; doc: string }>; gaps: number } };
    w.__ghosts = { records: [], gaps: 0 };
    const readDoc = new Function(`return ${readSource}`) as () => string;
    // CodeMirror's ghost is in the page's DOM; a plain field's is in the overlay's shadow root.
    const ghostEl = () => document.querySelector('.aa-ghost-text') ?? document.querySelector('abstract-autocomplete-ghost')?.shadowRoot?.querySelector('.aa-ghost-text') ?? null;
    const watched = new WeakSet<ShadowRoot>();
    let last: string | null = ghostEl()?.textContent ?? null;
    const check = () => {
      const shadow = document.querySelector('abstract-autocomplete-ghost')?.shadowRoot;
      if (shadow && !watched.has(shadow)) {
        watched.add(shadow);
        observer.observe(shadow, { subtree: true, childList: true, characterData: true });
      }
      const el = ghostEl();
      const ghost = el ? (el.textContent ?? '') : null;
      if (ghost === last) return;
      if (ghost === null) w.__ghosts.gaps++;
      else if (ghost.trim() && ghost !== '…') w.__ghosts.records.push({ ghost, doc: readDoc() });
      last = ghost;
    };
    const observer = new MutationObserver(check);
    observer.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
    check();
  }, read);
  return {
    records: () => page.evaluate(() => (window as any).__ghosts.records),
    gaps: () => page.evaluate(() => (window as any).__ghosts.gaps),
  };
}
