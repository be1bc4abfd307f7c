/**
 * The codemirror kind's side of the editor contract (contract.ts), MAIN world:
 * any CodeMirror 6 EditorView found from the DOM, no site hook.
 */
import { MAX_PROMPT_CHARS } from '../../protocol';
import { promptStart } from '../../../suggest/prompt-cut';
import type { EditorAccess } from '../contract';
import type { EditorViewLike } from './editor-view';
import { findEditorView, viewFromContentElement } from './find-editor-view';
import { OverlayGhost } from './overlay-ghost';

/** Inserts `text` as one transaction: one undo step removes exactly this text. Returns the caret after it. */
export function dispatchInsert(view: EditorViewLike, at: number, text: string, extra: { annotations?: unknown } = {}): number {
  const to = at + text.length;
  view.dispatch({ changes: { from: at, insert: text }, selection: { anchor: to }, userEvent: 'input.complete', scrollIntoView: true, ...extra });
  return to;
}

export const codemirrorAccess: EditorAccess<EditorViewLike> = {
  find(el) {
    const editor = el?.closest('.cm-editor');
    const content = editor?.querySelector('.cm-content');
    return (content && viewFromContentElement(content)?.view) ?? null;
  },
  textAround(view, maxChars = MAX_PROMPT_CHARS) {
    const { doc } = view.state;
    const head = view.state.selection.main.head;
    return {
      before: doc.sliceString(promptStart(head, (i) => doc.sliceString(i, i + 1).charCodeAt(0), maxChars), head),
      after: doc.sliceString(head, Math.min(doc.length, head + maxChars)),
      caret: head,
      selection: !view.state.selection.main.empty,
    };
  },
  ghost: (view, onAccept) => new OverlayGhost(view, onAccept),
  insert(view, at, text) {
    const to = dispatchInsert(view, at, text);
    // `input.complete` is not joined with earlier typing, but typing right after
    // would join it; a selection-only transaction closes the history event
    // without adding an undo step (the page's isolateHistory is out of reach).
    view.dispatch({ selection: { anchor: to } });
    return to;
  },
  buttonAnchor: (view) => view.dom,
};

/** The focused editor's view, else the first on the page (the keyboard command may come with focus elsewhere). */
export function focusedOrFirstView(doc: Document): EditorViewLike | null {
  return codemirrorAccess.find(doc.activeElement) ?? findEditorView(doc)?.view ?? null;
}
