/**
 * Overleaf, ISOLATED world: the codemirror kind's isolated script with
 * Overleaf's wording. Declared for overleaf.com (sites/overleaf.site.ts);
 * registered at run time for self-hosted Overleaf domains (site-access.ts).
 */
import { installIsolatedWorld } from '@/lib/extension/editors/codemirror/isolated-world';
import { OVERLEAF_KIND } from '@/lib/extension/editors/overleaf/kind';
import overleaf from '@/lib/extension/sites/overleaf.site';
import { siteMatches } from '@/lib/extension/sites/site';

export default defineContentScript({
  matches: siteMatches(overleaf),
  runAt: 'document_idle',
  main() {
    installIsolatedWorld(window, OVERLEAF_KIND);
  },
});
