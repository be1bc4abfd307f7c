/**
 * Every site, from the `*.site.ts` files beside this one: adding a site is
 * adding a file. The test build's fixture site is left out of other builds.
 */
import type { SiteDefinition } from './site';
import overleaf from './overleaf.site';

type SiteModule = { default: SiteDefinition };
// Two literal globs (Vite needs literals): the test build's fixture site is not even bundled elsewhere.
const modules =
  import.meta.env.MODE === 'test'
    ? import.meta.glob<SiteModule>('./*.site.ts', { eager: true })
    : import.meta.glob<SiteModule>(['./*.site.ts', '!./fixture.site.ts'], { eager: true });

export const SITES: SiteDefinition[] = Object.values(modules)
  .map((m) => m.default)
  .filter((site) => import.meta.env.MODE === 'test' || !site.testBuildOnly);

export const OVERLEAF_SITE = overleaf;
