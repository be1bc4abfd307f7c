/**
 * Test page: several CodeMirror 6 editors on one page, like a JupyterLab
 * notebook (one editor per cell), with no site-specific hook. Bundled twice by
 * e2e/codemirror-pages.ts (@codemirror/view 6.39 `cmTile` and 6.38 `cmView`).
 * Query: cells=N (default 2), text=initial text of every cell (suffixed with
 * the cell number). The views are exposed as `window.__cms` for assertions
 * only (the extension never reads it).
 */
import { EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';

const params = new URLSearchParams(location.search);
const cells = Number(params.get('cells') ?? '2');
const text = params.get('text') ?? 'We propose a method to';
const notebook = document.getElementById('notebook')!;

const views: EditorView[] = [];
for (let i = 0; i < cells; i++) {
  const cell = document.createElement('div');
  cell.className = 'cell';
  cell.dataset.cell = String(i);
  notebook.append(cell);
  const doc = `${text} (cell ${i})`;
  views.push(
    new EditorView({
      parent: cell,
      state: EditorState.create({
        doc,
        selection: { anchor: doc.length },
        // Jupyter binds Tab to indent / complete: the ghost must take it only while shown.
        extensions: [history(), keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]), EditorView.lineWrapping],
      }),
    }),
  );
}
(window as unknown as { __cms: EditorView[] }).__cms = views;
document.body.dataset.ready = 'true';
