/**
 * Overleaf, MAIN world: the codemirror kind's MAIN-world script plus
 * Overleaf's `UNSTABLE_editor:extensions` hook. document_start so the hook's
 * listener is in place before Overleaf creates its editor. No extension APIs
 * here; it only does what the isolated script asks through the bridge.
 */
import { installMainWorld } from '@/lib/extension/editors/codemirror/main-world';
import { createOverleafHook } from '@/lib/extension/editors/overleaf/page-hook';
import overleaf from '@/lib/extension/sites/overleaf.site';
import { siteMatches } from '@/lib/extension/sites/site';

export default defineContentScript({
  matches: siteMatches(overleaf),
  world: 'MAIN',
  runAt: 'document_start',
  main() {
    const hook = createOverleafHook(window);
    installMainWorld(window, hook.access, hook.install);
  },
});
