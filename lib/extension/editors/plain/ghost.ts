/**
 * Ghost text for plain fields (textarea, contenteditable): an overlay laid
 * over the page, never a change to the field's value until it is accepted.
 *
 * - textarea: a mirror box placed exactly over the field (same box, font,
 *   padding, wrapping and scroll offset) holding the text before the caret
 *   (invisible), the ghost (grey) and the text after (invisible), so the ghost
 *   starts at the caret and wraps as the field's own text would.
 * - contenteditable: a box at the caret's rectangle (Range.getClientRects),
 *   with the font of the element holding the caret, up to the field's right edge.
 * It lives in its own shadow root on the document element (page CSS cannot
 * restyle it), `pointer-events: none` except the Accept button, and
 * `reposition()` (every animation frame while shown) follows scrolling,
 * resizing and layout changes.
 */
import type { GhostRenderer } from '../contract';
import { createGhostContent } from '../codemirror/ghost-ui';
import { isTextarea, type Field } from './fields';
import { textAroundCaret } from './insertion';

export const PLAIN_GHOST_TAG = 'abstract-autocomplete-ghost';

/** Box and text properties the mirror copies so its text lays out like the field's. */
const MIRRORED = [
  'boxSizing', 'width', 'height', 'paddingTop', 'paddingRight', 'paddingBottom', 'paddingLeft',
  'borderTopWidth', 'borderRightWidth', 'borderBottomWidth', 'borderLeftWidth', 'borderTopStyle', 'borderRightStyle',
  'borderBottomStyle', 'borderLeftStyle', 'fontFamily', 'fontSize', 'fontWeight', 'fontStyle', 'fontVariant',
  'fontStretch', 'lineHeight', 'letterSpacing', 'wordSpacing', 'textIndent', 'textTransform', 'textAlign',
  'tabSize', 'direction', 'whiteSpace', 'overflowWrap', 'wordBreak',
] as const;

export class PlainGhost implements GhostRenderer {
  private readonly host: HTMLElement;
  private readonly box: HTMLDivElement;
  private readonly beforeText: HTMLSpanElement;
  private readonly afterText: HTMLSpanElement;
  private readonly content: ReturnType<typeof createGhostContent>;

  constructor(private readonly field: Field, onAccept: () => void) {
    const doc = field.ownerDocument;
    this.host = doc.createElement(PLAIN_GHOST_TAG);
    this.host.style.cssText = 'all:initial;position:fixed;left:0;top:0;width:0;height:0;z-index:2147483646;pointer-events:none;';
    // Open: nothing in it is secret (the page owns the text), and tests read it like a person does.
    const root = this.host.attachShadow({ mode: 'open' });
    this.box = doc.createElement('div');
    this.box.setAttribute('data-abstract-autocomplete', 'ghost-overlay');
    this.box.style.cssText = 'position:fixed;margin:0;overflow:hidden;pointer-events:none;background:transparent;border-color:transparent;';
    this.beforeText = doc.createElement('span');
    this.afterText = doc.createElement('span');
    this.beforeText.style.visibility = this.afterText.style.visibility = 'hidden';
    this.content = createGhostContent(doc, onAccept);
    this.box.append(this.beforeText, this.content.root, this.afterText);
    root.append(this.box);
  }

  show(_pos: number, text: string, streaming: boolean): void {
    this.content.setText(text, streaming);
    if (!this.host.isConnected) this.field.ownerDocument.documentElement.append(this.host);
    this.reposition();
  }

  reposition(): void {
    if (!this.host.isConnected) return;
    const rect = this.field.getBoundingClientRect();
    const visible = rect.width > 0 && rect.height > 0 && this.field.isConnected;
    this.box.style.display = visible ? 'block' : 'none';
    if (!visible) return;
    if (isTextarea(this.field)) this.placeMirror(this.field, rect);
    else this.placeAtCaret(this.field, rect);
  }

  private placeMirror(field: HTMLTextAreaElement, rect: DOMRect): void {
    const style = getComputedStyle(field);
    const s = this.box.style as unknown as Record<string, string>;
    for (const prop of MIRRORED) s[prop] = (style as unknown as Record<string, string>)[prop]!;
    // A textarea wraps and keeps spaces whatever its white-space says about overflow.
    s.whiteSpace = 'pre-wrap';
    s.overflowWrap = 'break-word';
    Object.assign(this.box.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px`, textIndent: style.textIndent });
    const { before, after } = textAroundCaret(field);
    this.beforeText.textContent = before;
    // A trailing newline needs something after it to take up its line.
    this.afterText.textContent = `${after}\u200b`;
    this.box.scrollTop = field.scrollTop;
    this.box.scrollLeft = field.scrollLeft;
  }

  private placeAtCaret(field: HTMLElement, rect: DOMRect): void {
    this.beforeText.textContent = '';
    this.afterText.textContent = '';
    const caret = caretRect(field);
    if (!caret || caret.bottom < rect.top || caret.top > rect.bottom) {
      this.box.style.display = 'none';
      return;
    }
    const holder = caretElement(field) ?? field;
    const style = getComputedStyle(holder);
    Object.assign(this.box.style, {
      left: `${caret.left}px`,
      top: `${caret.top}px`,
      width: `${Math.max(40, rect.right - caret.left)}px`,
      height: 'auto',
      padding: '0',
      border: '0',
      whiteSpace: 'pre-wrap',
      overflowWrap: 'anywhere',
      font: style.font,
      lineHeight: style.lineHeight,
      letterSpacing: style.letterSpacing,
      textIndent: '0',
    });
  }

  clear(): void {
    this.host.remove();
  }
}

function caretRange(field: HTMLElement): Range | null {
  const root = field.getRootNode() as ShadowRoot & { getSelection?: () => Selection | null };
  const selection = (root instanceof ShadowRoot && root.getSelection?.()) || field.ownerDocument.getSelection();
  if (!selection || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0).cloneRange();
  if (!field.contains(range.endContainer)) return null;
  range.collapse(false);
  return range;
}

/**
 * The caret's rectangle. A collapsed range in an empty line has no text
 * rectangle; then the start of the element holding the caret stands in (we
 * never insert a marker: the field's content is not ours to touch).
 */
function caretRect(field: HTMLElement): { left: number; top: number; bottom: number } | null {
  const range = caretRange(field);
  if (!range) return null;
  const rect = range.getClientRects()[0];
  if (rect) return rect;
  const holder = caretElement(field) ?? field;
  const box = holder.getBoundingClientRect();
  const style = getComputedStyle(holder);
  const top = box.top + parseFloat(style.paddingTop || '0') + parseFloat(style.borderTopWidth || '0');
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2 || 16;
  return { left: box.left + parseFloat(style.paddingLeft || '0') + parseFloat(style.borderLeftWidth || '0'), top, bottom: top + lineHeight };
}

function caretElement(field: HTMLElement): Element | null {
  const node = caretRange(field)?.endContainer ?? null;
  return node instanceof Element ? node : (node?.parentElement ?? null);
}
