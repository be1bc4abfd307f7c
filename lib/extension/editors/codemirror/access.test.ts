// @vitest-environment happy-dom
/**
 * The codemirror kind's contract on a real CodeMirror 6 EditorView (the
 * current layout; e2e covers both layouts in Chromium).
 */
import { history, undo } from '@codemirror/commands';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { afterEach, describe, expect, it } from 'vitest';
import { codemirrorAccess } from './access';
import type { EditorViewLike } from './editor-view';

const views: EditorView[] = [];
afterEach(() => {
  for (const v of views.splice(0)) v.destroy();
  document.body.innerHTML = '';
});

function editor(doc: string, caret: number): EditorView {
  const view = new EditorView({ parent: document.body, state: EditorState.create({ doc, selection: { anchor: caret }, extensions: [history()] }) });
  views.push(view);
  return view;
}

describe('CodeMirror 6 through the editor contract', () => {
  it('finds the view that owns an element inside it, and only that one', () => {
    const a = editor('first', 5);
    const b = editor('second', 6);
    expect(codemirrorAccess.find(a.contentDOM)).toBe(a);
    expect(codemirrorAccess.find(b.dom.querySelector('.cm-line'))).toBe(b);
    expect(codemirrorAccess.find(document.body)).toBeNull();
  });

  it('text around the caret from the document, not the DOM', () => {
    const view = editor('Hello brave new world', 11);
    expect(codemirrorAccess.textAround(view as unknown as EditorViewLike, 4)).toEqual({ before: 'rave', after: ' new', caret: 11, selection: false });
  });

  it('an insert is one undo step and leaves the caret after the text', () => {
    const view = editor('We propose', 10);
    const to = codemirrorAccess.insert(view as unknown as EditorViewLike, 10, ' a new method');
    expect(to).toBe(23);
    expect(view.state.doc.toString()).toBe('We propose a new method');
    expect(view.state.selection.main.head).toBe(23);
    undo(view);
    expect(view.state.doc.toString()).toBe('We propose');
  });
});
