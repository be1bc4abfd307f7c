/**
 * Plain fields (textareas, contenteditable): the Generate button. Not in the
 * production manifest: it is registered at run time for sites the user opts
 * into (lib/extension/site-access.ts) or injected into one frame via
 * activeTab by the context menu / shortcut. The test build also declares it
 * for 127.0.0.1 / localhost (wxt.config.ts).
 */
import { installPlainFields } from '@/lib/extension/editors/plain/install';
import { runOnce } from '@/lib/extension/editors/run-once';

export default defineContentScript({
  registration: 'runtime',
  matches: [],
  allFrames: true,
  main() {
    runOnce('generic', () => installPlainFields(document));
  },
});
