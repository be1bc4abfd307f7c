/**
 * Test / demo page: a CodeMirror 6 editor with Overleaf-like markup, bundled
 * twice by e2e/overleaf-server.ts (current @codemirror/view and the pre-6.39
 * layout). Query parameters:
 *   variant=plain (default) | extensions | fallback
 *     extensions: fires Overleaf's `UNSTABLE_editor:extensions` event, as
 *                 overleaf.com does, so the native path can be exercised.
 *     fallback:   a plain contenteditable `.cm-content` with no EditorView.
 *   text=...      initial document (caret at the end).
 * The view is exposed as `window.__cm` for test assertions only (the
 * extension never reads it).
 */
import { ChangeSet, Compartment, EditorSelection, EditorState, Prec, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, hoverTooltip, keymap } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab, invertedEffects, isolateHistory, redo, undo } from '@codemirror/commands';

const params = new URLSearchParams(location.search);
const variant = params.get('variant') ?? 'plain';
const initial = params.get('text') ?? 'We propose a method to';
const parent = document.getElementById('editor')!;

/** Mirrors overleaf/services/web/frontend/js/features/source-editor/extensions/third-party-extensions.ts. */
function thirdPartyExtensions(): Extension {
  const conf = new Compartment();
  const CodeMirror = {
    ChangeSet, Decoration, EditorSelection, EditorView, Prec, StateEffect, StateField, ViewPlugin, WidgetType,
    hoverTooltip, keymap, undo, redo, invertedEffects, isolateHistory,
  };
  const collect = (): Extension[] => {
    const extensions: Extension[] = [];
    window.dispatchEvent(new CustomEvent('UNSTABLE_editor:extensions', { detail: { CodeMirror, extensions } }));
    return extensions;
  };
  const loaded = ViewPlugin.define((view) => {
    const listener = () => view.dispatch({ effects: conf.reconfigure(collect()) });
    window.addEventListener('editor:extension-loaded', listener);
    return { destroy: () => window.removeEventListener('editor:extension-loaded', listener) };
  });
  return [conf.of(collect()), loaded];
}

if (variant === 'fallback') {
  // Same class names, but no CodeMirror behind them.
  const editor = document.createElement('div');
  editor.className = 'cm-editor';
  const scroller = document.createElement('div');
  scroller.className = 'cm-scroller';
  const content = document.createElement('div');
  content.className = 'cm-content';
  content.contentEditable = 'true';
  content.setAttribute('role', 'textbox');
  content.textContent = initial;
  scroller.append(content);
  editor.append(scroller);
  parent.append(editor);
} else {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: initial,
      selection: { anchor: initial.length },
      extensions: [
        history(),
        // Overleaf binds Tab to indent: the extension must take precedence only while a ghost is shown.
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.lineWrapping,
        variant === 'extensions' ? thirdPartyExtensions() : [],
      ],
    }),
  });
  (window as unknown as { __cm: EditorView }).__cm = view;
}
document.body.dataset.ready = 'true';
