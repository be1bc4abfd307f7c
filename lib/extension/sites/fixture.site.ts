/**
 * Test build only: a made-up site defined by this one file, to prove the
 * "add a site" steps in docs/architecture/extension.md, "Editors and sites"
 * (e2e/add-a-site.test.ts).
 * fixture.localhost resolves to the loopback address in Chromium; the test
 * build's manifest grants it.
 */
import { defineSite } from './site';

export default defineSite({
  name: 'fixture',
  origins: ['http://fixture.localhost/*'],
  path: '/editor/*',
  editor: 'codemirror',
  testBuildOnly: true,
});
