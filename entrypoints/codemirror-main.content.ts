/**
 * CodeMirror 6 on any page the user enabled, MAIN world: finds the focused
 * editor's EditorView from its DOM (cmTile / cmView, no site-specific hook),
 * reads the text before the caret, shows the ghost and inserts accepted text
 * as one transaction. No extension APIs; it only does what the isolated script
 * asks through the bridge.
 */
import { runOnce } from '@/lib/extension/editors/run-once';
import { installMainWorld } from '@/lib/extension/editors/codemirror/main-world';

export default defineContentScript({
  registration: 'runtime',
  matches: [],
  world: 'MAIN',
  allFrames: true,
  main() {
    runOnce('codemirror-main', () => installMainWorld(window));
  },
});
