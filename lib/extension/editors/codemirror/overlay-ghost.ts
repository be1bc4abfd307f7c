/**
 * Ghost text without access to the page's CodeMirror classes: an absolutely
 * positioned element laid over the editor at `view.coordsAtPos(caret)`.
 *
 * - It lives in `.cm-editor` but outside `.cm-content`, so CodeMirror's DOM
 *   observer (which watches the content element) never reads it as typed
 *   text, and it is never part of the document collaborators receive.
 * - It spans from the start of the caret's line to the right edge of the
 *   content, with `text-indent` = caret offset, so wrapped ghost lines start
 *   at the line's left edge like real text would.
 * - `pointer-events: none` (except the Accept button) keeps clicks going to
 *   the editor.
 */
import type { GhostRenderer } from '../contract';
import type { EditorViewLike } from './editor-view';
import { createGhostContent } from './ghost-ui';

export class OverlayGhost implements GhostRenderer {
  private readonly box: HTMLElement;
  private readonly content: ReturnType<typeof createGhostContent>;
  private pos = 0;

  constructor(private readonly view: EditorViewLike, onAccept: () => void) {
    const doc = view.dom.ownerDocument;
    this.box = doc.createElement('div');
    this.box.setAttribute('data-abstract-autocomplete', 'ghost-overlay');
    this.box.style.cssText =
      'position:absolute;z-index:5;pointer-events:none;margin:0;padding:0;white-space:pre-wrap;' +
      'overflow-wrap:anywhere;box-sizing:border-box;';
    this.content = createGhostContent(doc, onAccept);
    this.box.append(this.content.root);
  }

  show(pos: number, text: string, streaming: boolean): void {
    this.pos = pos;
    this.content.setText(text, streaming);
    if (!this.box.isConnected) this.view.dom.append(this.box);
    this.reposition();
  }

  reposition(): void {
    const { view } = this;
    if (!this.box.isConnected) return;
    const caret = view.coordsAtPos(this.pos, 1) ?? view.coordsAtPos(this.pos, -1);
    const lineStart = view.coordsAtPos(view.state.doc.lineAt(this.pos).from, 1) ?? caret;
    const scroller = view.contentDOM.parentElement ?? view.dom;
    const visible = scroller.getBoundingClientRect();
    if (!caret || !lineStart || caret.bottom < visible.top || caret.top > visible.bottom) {
      this.box.style.display = 'none';
      return;
    }
    const editor = view.dom.getBoundingClientRect();
    const content = view.contentDOM.getBoundingClientRect();
    const style = getComputedStyle(view.contentDOM);
    const left = Math.min(lineStart.left, caret.left);
    Object.assign(this.box.style, {
      display: 'block',
      left: `${left - editor.left}px`,
      top: `${caret.top - editor.top}px`,
      width: `${Math.max(40, content.right - left - 2)}px`,
      textIndent: `${caret.left - left}px`,
      font: style.font,
      lineHeight: style.lineHeight,
      letterSpacing: style.letterSpacing,
      tabSize: style.tabSize,
    });
  }

  clear(): void {
    this.box.remove();
  }
}
