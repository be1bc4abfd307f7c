/**
 * Overleaf, MAIN world: reaches the page's CodeMirror EditorView (which the
 * isolated world cannot see) to read the text before the caret and to show /
 * accept ghost completions. No extension APIs here; it only does what the
 * isolated script asks through the bridge (lib/extension/overleaf/bridge.ts).
 * document_start so the `UNSTABLE_editor:extensions` listener is in place
 * before Overleaf creates its editor.
 */
import { installMainWorld } from '@/lib/extension/overleaf/main-world';
import { OVERLEAF_MATCHES } from '@/lib/extension/overleaf/matches';

export default defineContentScript({
  matches: OVERLEAF_MATCHES,
  world: 'MAIN',
  runAt: 'document_start',
  main() {
    installMainWorld(window);
  },
});
