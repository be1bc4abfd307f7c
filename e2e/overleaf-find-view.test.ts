/**
 * View discovery against real CodeMirror builds in Chromium: the module the
 * MAIN-world script uses, run in pages with @codemirror/view 6.39 (cmTile)
 * and 6.38 (cmView). No extension needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { join } from 'node:path';
import { launch, ROOT, type Harness } from './harness';
import { overleafLaunchOptions, startOverleafServer, type OverleafServer } from './overleaf-server';

let server: OverleafServer;
let h: Harness;
let finder: string;

beforeAll(async () => {
  const out = await build({
    entryPoints: [join(ROOT, 'lib/extension/editors/codemirror/find-editor-view.ts')],
    bundle: true,
    format: 'iife',
    globalName: '__findView',
    write: false,
    logLevel: 'error',
  });
  finder = out.outputFiles[0]!.text;
  server = await startOverleafServer();
  h = await launch(overleafLaunchOptions(server));
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

describe.each([
  ['new', 'cmTile'],
  ['old', 'cmView'],
] as const)('findEditorView with the %s @codemirror/view', (cm, layout) => {
  it(`finds the page's own EditorView through ${layout}`, async () => {
    const page = await h.context.newPage();
    await page.goto(server.projectUrl({ cm }));
    await page.waitForSelector('body[data-ready]');
    await page.addScriptTag({ content: finder });
    const result = await page.evaluate(() => {
      const api = (window as any).__findView;
      const found = api.findEditorView(document);
      const content = document.querySelector('.cm-content')!;
      // A DOM node that merely looks like a content element is not accepted.
      const fake = document.createElement('div');
      fake.className = 'cm-content';
      (fake as any).cmView = { view: (window as any).__cm };
      return {
        same: found?.view === (window as any).__cm,
        layout: found?.layout,
        fromContent: api.viewFromContentElement(content)?.view === (window as any).__cm,
        fakeRejected: api.viewFromContentElement(fake) === null,
      };
    });
    expect(result).toEqual({ same: true, layout, fromContent: true, fakeRejected: true });
    await page.close();
  });
});

it('finds nothing on a page without CodeMirror (basic mode)', async () => {
  const page = await h.context.newPage();
  await page.goto(server.projectUrl({ variant: 'fallback' }));
  await page.waitForSelector('body[data-ready]');
  await page.addScriptTag({ content: finder });
  expect(await page.evaluate(() => (window as any).__findView.findEditorView(document))).toBeNull();
  await page.close();
});
