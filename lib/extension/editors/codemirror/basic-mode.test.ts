// @vitest-environment happy-dom
/** The DOM side of basic mode on a CodeMirror-shaped contenteditable (no EditorView). */
import { afterEach, describe, expect, it } from 'vitest';
import { ensureCaretIn, readCaret, textBeforeDomCaret } from './basic-mode';

afterEach(() => {
  document.body.innerHTML = '';
});

function editor(lines: string[]): HTMLElement {
  const content = document.createElement('div');
  content.className = 'cm-content';
  content.contentEditable = 'true';
  for (const text of lines) {
    const line = document.createElement('div');
    line.className = 'cm-line';
    line.textContent = text;
    content.append(line);
  }
  document.body.append(content);
  return content;
}

function select(anchor: Node, anchorOffset: number, focus = anchor, focusOffset = anchorOffset): void {
  const selection = document.getSelection()!;
  selection.removeAllRanges();
  selection.setBaseAndExtent(anchor, anchorOffset, focus, focusOffset);
}

const textOf = (content: HTMLElement, line: number) => content.children[line]!.firstChild!;

describe('basic mode caret', () => {
  it('reads the text before the caret across lines, and whether anything is selected', () => {
    const content = editor(['First line', 'Second line']);
    select(textOf(content, 1), 6);
    expect(readCaret(content)).toEqual({ before: 'First line\nSecond', collapsed: true });
    select(textOf(content, 0), 0, textOf(content, 1), 6);
    expect(readCaret(content)).toEqual({ before: 'First line\nSecond', collapsed: false });
  });

  it('has no caret when the selection is outside the editor', () => {
    const content = editor(['Text']);
    const outside = document.createElement('p');
    outside.textContent = 'elsewhere';
    document.body.append(outside);
    select(outside.firstChild!, 3);
    expect(readCaret(content).before).toBeNull();
  });

  it('collapses a selection to its end at request time, so the selected text stays before the completion', () => {
    const content = editor(['Alpha beta gamma']);
    select(textOf(content, 0), 0, textOf(content, 0), 5);
    ensureCaretIn(content);
    expect(readCaret(content)).toEqual({ before: 'Alpha', collapsed: true });
    expect(content.textContent).toBe('Alpha beta gamma');
  });

  it('puts the caret at the end when it is not in the editor', () => {
    const content = editor(['One', 'Two']);
    document.getSelection()!.removeAllRanges();
    ensureCaretIn(content);
    expect(textBeforeDomCaret(content)).toBe('One\nTwo');
  });
});
