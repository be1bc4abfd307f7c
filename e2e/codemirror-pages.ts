/**
 * Serves the CodeMirror 6 notebook page (e2e/pages/codemirror/notebook.ts)
 * on the harness's static server, built with both CodeMirror layouts:
 *   /cm/notebook.html?cm=new|old&cells=N&text=…
 * `path` prefixes the routes, so the same page can stand in for another site
 * (the fixture site serves it under /editor/).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT, type Harness, type RouteHandler } from './harness';

export type CmBuild = 'new' | 'old';

async function bundle(cm: CmBuild): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(ROOT, 'e2e', 'pages', 'codemirror', 'notebook.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    target: 'chrome120',
    logLevel: 'silent',
    // The pre-6.39 layout; @codemirror/commands' own imports of @codemirror/view follow the alias too.
    ...(cm === 'old' && { alias: { '@codemirror/view': '@codemirror/view-old' } }),
  });
  return result.outputFiles[0]!.text;
}

function page(prefix: string, cm: CmBuild): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Notebook</title>
<style>
  body { font-family: sans-serif; margin: 10px; }
  .cell { width: 640px; min-height: 80px; border: 1px solid #ccc; margin: 0 0 24px; }
  .cm-content { font-family: monospace; font-size: 14px; }
</style></head>
<body>
  <div id="notebook"></div>
  <script src="${prefix}/notebook-${cm}.js"></script>
</body></html>`;
}

export function codemirrorRoutes(prefix = '/cm'): RouteHandler {
  const built: Partial<Record<CmBuild, Promise<string>>> = {};
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cm: CmBuild = url.searchParams.get('cm') === 'old' ? 'old' : 'new';
    if (url.pathname === `${prefix}/notebook.html`) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(prefix, cm));
      return true;
    }
    const script = /\/notebook-(new|old)\.js$/.exec(url.pathname);
    if (!script || !url.pathname.startsWith(prefix)) return false;
    const which = script[1] as CmBuild;
    built[which] ??= bundle(which);
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(await built[which]);
    return true;
  };
}

/** URL path of the notebook page. */
export function notebookPath(opts: { cm?: CmBuild; cells?: number; text?: string } = {}, prefix = '/cm'): string {
  const q = new URLSearchParams({ cm: opts.cm ?? 'new', cells: String(opts.cells ?? 2) });
  if (opts.text !== undefined) q.set('text', opts.text);
  return `${prefix}/notebook.html?${q}`;
}

/** Waits until the ghost under `scope` holds the final completion (not still streaming); returns its text. */
export async function finalGhost(scope: Page | Locator): Promise<string> {
  const ghost = scope.locator('[data-abstract-autocomplete="ghost"][data-streaming="false"] .aa-ghost-text');
  await ghost.waitFor({ timeout: 90_000 });
  const text = await ghost.textContent();
  expect(text, 'a completion is shown as ghost text').toBeTruthy();
  return text!;
}

/**
 * Tab inserts the ghost; typing right after it is its own undo step, and one
 * more Ctrl+Z removes the whole completion and nothing else.
 */
export async function expectTabIsOneUndoStep(page: Page, readDoc: () => Promise<string>, before: string, ghost: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await readDoc()).toBe(before + ghost);
  await page.keyboard.type('Q');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  expect(await readDoc(), 'one undo removes the whole completion and nothing else').toBe(before);
}

/** Short completions (12 new tokens), set in the popup as a user would: ghost tests need a completion, not a long one. */
export async function shortCompletions(h: Harness): Promise<void> {
  const popup = await h.openExtensionPage('popup.html');
  await popup.getByLabel('Max new tokens').fill('12');
  await popup.getByText(/^Saved\./).waitFor({ timeout: 10_000 });
  await popup.close();
}
