/**
 * Every site, from the `*.site.ts` files beside this one: adding a site is
 * adding a file. The test build's fixture site is left out of other builds.
 */
import type { SiteDefinition } from './site';
import overleaf from './overleaf.site';

const modules = import.meta.glob<{ default: SiteDefinition }>('./*.site.ts', { eager: true });
const isTestBuild = import.meta.env.MODE === 'test';

export const SITES: SiteDefinition[] = Object.values(modules)
  .map((m) => m.default)
  .filter((site) => isTestBuild || !site.testBuildOnly);

export const OVERLEAF_SITE = overleaf;
