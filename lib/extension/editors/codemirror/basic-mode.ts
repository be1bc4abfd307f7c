/**
 * Basic mode: used when the EditorView cannot be reached (Overleaf changed
 * its internals, the MAIN-world script did not run, or a page script forged
 * a "no editor" reply). The `.cm-content` element is treated as a plain
 * contenteditable: the text before the DOM caret is the prompt and the
 * finished completion is inserted with `execCommand('insertText')`, which
 * CodeMirror (or any contenteditable) reads as ordinary typing. No ghost
 * text: the completion is inserted once, when it is complete, as one edit,
 * and only if the caret has not moved (basic-guard.ts).
 */
import type { CaretState } from './basic-guard';

/** Text of `content` before the DOM caret; CodeMirror lines (`.cm-line`) are joined with newlines. */
export function textBeforeDomCaret(content: HTMLElement): string | null {
  const selection = content.ownerDocument.getSelection();
  if (!selection || selection.rangeCount === 0 || !content.contains(selection.focusNode)) return null;
  const range = content.ownerDocument.createRange();
  range.setStart(content, 0);
  range.setEnd(selection.focusNode!, selection.focusOffset);
  const lines = Array.from(content.querySelectorAll(':scope > .cm-line'));
  if (!lines.length) return range.toString();
  const parts: string[] = [];
  for (const line of lines) {
    if (range.comparePoint(line, 0) > 0) break; // line starts after the caret
    const lineRange = content.ownerDocument.createRange();
    lineRange.selectNodeContents(line);
    if (range.comparePoint(line, line.childNodes.length) > 0) lineRange.setEnd(selection.focusNode!, selection.focusOffset);
    parts.push(lineRange.toString());
  }
  return parts.join('\n');
}

/** The caret in `content` now (basic-guard.ts decides what a change means). */
export function readCaret(content: HTMLElement): CaretState {
  const selection = content.ownerDocument.getSelection();
  return { before: textBeforeDomCaret(content), collapsed: !selection || selection.isCollapsed };
}

/**
 * Leaves a collapsed caret in `content`: a selection there is collapsed to its
 * end, so the selected text stays and the completion will follow it; no caret
 * there puts one at the end.
 */
export function ensureCaretIn(content: HTMLElement): void {
  content.focus();
  const selection = content.ownerDocument.getSelection();
  if (selection && selection.rangeCount > 0 && content.contains(selection.focusNode)) {
    if (!selection.isCollapsed) selection.collapseToEnd();
    return;
  }
  const range = content.ownerDocument.createRange();
  range.selectNodeContents(content);
  range.collapse(false);
  selection?.removeAllRanges();
  selection?.addRange(range);
}

/** Inserts `text` at the caret of the focused contenteditable, as the user typing it would. */
export function insertAtDomCaret(content: HTMLElement, text: string): boolean {
  content.focus();
  return content.ownerDocument.execCommand('insertText', false, text);
}
