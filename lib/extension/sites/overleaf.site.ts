/** overleaf.com: Overleaf's editor (CodeMirror 6 + its page hook) on project pages. */
import { defineSite } from './site';

export default defineSite({
  name: 'overleaf',
  origins: ['https://www.overleaf.com/*', 'https://overleaf.com/*'],
  path: '/project/*',
  editor: 'overleaf',
  // Granted at install (host_permissions) and declared by entrypoints/overleaf*.content.ts.
  declaredInManifest: true,
});
