/**
 * CodeMirror 6 on any page the user enabled, ISOLATED world: the Generate
 * button, the keyboard command and the link to the background. Registered at
 * run time (site-access.ts), next to the plain-field script; the test build
 * also declares it for local pages (wxt.config.ts).
 */
import { runOnce } from '@/lib/extension/editors/run-once';
import { installIsolatedWorld } from '@/lib/extension/editors/codemirror/isolated-world';
import { CODEMIRROR_KIND } from '@/lib/extension/editors/codemirror/kind';

export default defineContentScript({
  registration: 'runtime',
  matches: [],
  allFrames: true,
  main() {
    runOnce('codemirror', () => installIsolatedWorld(window, CODEMIRROR_KIND));
  },
});
