/**
 * Steps every Overleaf-page e2e file takes: open a project of the page that
 * overleaf-server.ts serves as www.overleaf.com, wait for our button, put the
 * caret at the end of the document; and read the document and the ghost text.
 */
import type { Page } from 'playwright-core';
import type { Harness } from './harness';
import type { CmBuild, EditorVariant, OverleafServer } from './overleaf-server';

export interface ProjectOptions {
  cm?: CmBuild;
  variant?: EditorVariant;
  text: string;
  id?: string;
}

/** Opens the project in a new tab, ready for typing at the end of `text`. */
export async function openProject(h: Harness, server: OverleafServer, opts: ProjectOptions): Promise<Page> {
  const page = await h.context.newPage();
  await page.goto(server.projectUrl({ cm: 'new', variant: 'plain', ...opts }));
  await page.waitForSelector('body[data-ready]');
  await page.getByRole('button', { name: /Generate/ }).waitFor();
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  return page;
}

/** The CodeMirror document, as the page's own EditorView holds it. */
export const docText = (page: Page) => page.evaluate(() => (window as any).__cm.state.doc.toString() as string);

/** The Generate button's ghost text (null when none is shown within a second). */
export const ghostText = (page: Page) => page.locator('.aa-ghost-text').first().textContent({ timeout: 1000 }).catch(() => null);
