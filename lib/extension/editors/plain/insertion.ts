/**
 * Putting generated text into a page field without ever replacing what the
 * user wrote:
 *  - any selection is collapsed to its end first (the selected text stays);
 *  - text goes in at a remembered insertion point that moves with each
 *    insert, so clicking elsewhere mid-stream does not scatter the text;
 *  - `document.execCommand('insertText')` is used while the field has focus:
 *    it keeps the browser's undo stack and fires real `beforeinput`/`input`
 *    events, so React/Vue-controlled fields update their state. Where it is
 *    unavailable or refused, `setRangeText` / a Range inserts a Text node and
 *    we dispatch an `input` event ourselves. Always text, never HTML.
 *  - `inserting` is true exactly while our own edit runs, so a `beforeinput`
 *    listener can tell the stream's edits from the user's (paste, drop,
 *    dictation), which must stop the stream instead of interleaving with it.
 */
import { deepActiveElement, isTextarea, type Field } from './fields';

function selectionFor(field: Field): Selection | null {
  const root = field.getRootNode() as ShadowRoot & { getSelection?: () => Selection | null };
  // Chromium exposes the selection inside a shadow tree on the shadow root.
  return (root instanceof ShadowRoot && root.getSelection?.()) || field.ownerDocument.getSelection();
}

function caretRangeIn(field: HTMLElement): Range {
  const selection = selectionFor(field);
  if (selection && selection.rangeCount > 0) {
    const range = selection.getRangeAt(0);
    if (field.contains(range.endContainer)) {
      const caret = range.cloneRange();
      caret.collapse(false);
      return caret;
    }
  }
  // No caret in the field: the end of its text.
  const end = field.ownerDocument.createRange();
  end.selectNodeContents(field);
  end.collapse(false);
  return end;
}

/** Moves the caret to the end of any selection, so nothing selected gets overwritten. */
export function collapseSelectionToEnd(field: Field): void {
  if (isTextarea(field)) {
    const end = field.selectionEnd ?? field.value.length;
    field.setSelectionRange(end, end);
    return;
  }
  const selection = selectionFor(field);
  if (selection && selection.rangeCount > 0 && field.contains(selection.getRangeAt(0).endContainer)) {
    selection.collapseToEnd();
  }
}

/** True when text is selected in the field. */
export function hasSelection(field: Field): boolean {
  if (isTextarea(field)) return (field.selectionStart ?? 0) !== (field.selectionEnd ?? 0);
  const selection = selectionFor(field);
  return !!selection && selection.rangeCount > 0 && !selection.isCollapsed && field.contains(selection.getRangeAt(0).endContainer);
}

/** The text before and after the caret (the caret is at the end of the text when the field has none). */
export function textAroundCaret(field: Field): { before: string; after: string } {
  if (isTextarea(field)) {
    const focused = deepActiveElement(field.ownerDocument) === field;
    const caret = focused ? (field.selectionEnd ?? field.value.length) : field.value.length;
    return { before: field.value.slice(0, caret), after: field.value.slice(caret) };
  }
  const caret = caretRangeIn(field);
  const before = field.ownerDocument.createRange();
  before.selectNodeContents(field);
  const after = before.cloneRange();
  before.setEnd(caret.endContainer, caret.endOffset);
  after.setStart(caret.endContainer, caret.endOffset);
  return { before: before.toString(), after: after.toString() };
}

/** The text before the caret (the end of the text when the field has no caret). */
export function textBeforeCaret(field: Field): string {
  return textAroundCaret(field).before;
}

function dispatchInput(field: Field, text: string): void {
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: text }));
}

/** Inserts a stream of text at one insertion point of one field. */
export class StreamInserter {
  private offset = 0;
  private caret: Range | undefined;
  /** How each chunk went in (for tests and diagnostics). */
  readonly methods: Array<'execCommand' | 'fallback'> = [];
  private ownEdit = false;

  constructor(private readonly field: Field) {
    collapseSelectionToEnd(field);
    if (isTextarea(field)) {
      const focused = deepActiveElement(field.ownerDocument) === field;
      this.offset = focused ? (field.selectionEnd ?? field.value.length) : field.value.length;
    } else {
      this.caret = caretRangeIn(field);
    }
  }

  /**
   * True while our own insert is running. Input events fire synchronously
   * inside execCommand (Chromium 156 sends only `input`, but the Input Events
   * spec and other engines also send `beforeinput`), so a flag is enough.
   */
  get inserting(): boolean {
    return this.ownEdit;
  }

  insert(text: string): void {
    if (!text) return;
    this.ownEdit = true;
    try {
      const method = isTextarea(this.field) ? this.insertInTextarea(this.field, text) : this.insertInEditable(this.field, text);
      this.methods.push(method);
    } finally {
      this.ownEdit = false;
    }
  }

  private focused(): boolean {
    return deepActiveElement(this.field.ownerDocument) === this.field && this.field.ownerDocument.hasFocus();
  }

  private insertInTextarea(field: HTMLTextAreaElement, text: string): 'execCommand' | 'fallback' {
    const at = Math.min(this.offset, field.value.length);
    const before = field.value;
    if (this.focused()) {
      field.setSelectionRange(at, at);
      let ok = false;
      try {
        ok = field.ownerDocument.execCommand('insertText', false, text);
      } catch {
        ok = false;
      }
      if (ok && field.value.length === before.length + text.length && field.value.startsWith(before.slice(0, at))) {
        this.offset = at + text.length;
        return 'execCommand';
      }
      // Refused or altered (a page handler may have cancelled beforeinput): fall back if nothing changed.
      if (field.value !== before) {
        this.offset = field.selectionEnd ?? at + text.length;
        return 'execCommand';
      }
    }
    const focused = this.focused();
    field.setRangeText(text, at, at, 'preserve');
    this.offset = at + text.length;
    // With focus the caret follows the text, as it does with execCommand (so the
    // user's next keystroke lands after the completion); without focus the
    // user's selection is left alone. ('preserve' would leave a caret at `at`
    // before the new text.)
    if (focused) field.setSelectionRange(this.offset, this.offset);
    dispatchInput(field, text);
    return 'fallback';
  }

  private insertInEditable(field: HTMLElement, text: string): 'execCommand' | 'fallback' {
    const caret = this.caret ?? caretRangeIn(field);
    if (this.focused()) {
      const selection = selectionFor(field);
      if (selection) {
        selection.removeAllRanges();
        selection.addRange(caret.cloneRange());
        let ok = false;
        try {
          ok = field.ownerDocument.execCommand('insertText', false, text);
        } catch {
          ok = false;
        }
        if (ok && selection.rangeCount > 0) {
          this.caret = selection.getRangeAt(0).cloneRange();
          this.caret.collapse(false);
          return 'execCommand';
        }
      }
    }
    const focused = this.focused();
    const node = field.ownerDocument.createTextNode(text);
    caret.insertNode(node);
    const after = field.ownerDocument.createRange();
    after.setStartAfter(node);
    after.collapse(true);
    this.caret = after;
    if (focused) {
      // The selection's own range stays before an inserted node: move the caret
      // after the text, as execCommand would.
      const selection = selectionFor(field);
      selection?.removeAllRanges();
      selection?.addRange(after.cloneRange());
    }
    dispatchInput(field, text);
    return 'fallback';
  }
}
