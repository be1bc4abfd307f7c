/**
 * A site: which pages, and which editor kind runs there. Adding a site is one
 * file `lib/extension/sites/<name>.site.ts` that default-exports
 * `defineSite({...})`; sites/index.ts collects every such file.
 */
import type { EditorKind } from '../editors/kinds';

export interface SiteDefinition {
  name: string;
  /** Origin match patterns, e.g. "https://www.overleaf.com/*". The extension needs host permission for them. */
  origins: string[];
  /** Path part of the match patterns where the editor lives (default "/*"). */
  path?: string;
  editor: EditorKind;
  /**
   * True when the site's scripts are declared in the manifest by their own
   * entrypoints (overleaf.com), so they are not registered again at run time.
   */
  declaredInManifest?: boolean;
  /** Only in the test build (a fixture site for e2e). */
  testBuildOnly?: boolean;
}

export function defineSite(site: SiteDefinition): SiteDefinition {
  return site;
}

/** The site's page match patterns: each origin with the site's path. */
export function siteMatches(site: Pick<SiteDefinition, 'origins' | 'path'>): string[] {
  return site.origins.map((origin) => origin.replace(/\/\*$/, site.path ?? '/*'));
}
