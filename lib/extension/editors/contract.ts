/**
 * The contract every editor kind implements, in the world where it can touch
 * its editor (the content script for plain fields; the page's MAIN world for
 * CodeMirror, whose objects only exist there). The controllers drive an editor
 * only through it:
 *
 * | kind       | implementation                 | ghost                          | insert                              |
 * |------------|--------------------------------|--------------------------------|-------------------------------------|
 * | plain      | editors/plain/access.ts        | overlay over the page (ghost.ts);| execCommand / setRangeText, as text |
 * |            |                                | Generate streams in as typed   | (one native undo step per insert)   |
 * | codemirror | editors/codemirror/access.ts   | overlay at `coordsAtPos`       | one transaction = one undo step     |
 * | overleaf   | editors/overleaf/access.ts     | CodeMirror decoration (page's  | the same transaction + the page's   |
 * |            |                                | own classes), else overlay     | `isolateHistory`                    |
 */

export interface GhostRenderer {
  /** True when the ghost is drawn by the editor itself (its keymap then handles Tab / Esc / Ctrl+→). */
  readonly inline?: boolean;
  /** Shows `text` at `pos` (replacing what was shown). */
  show(pos: number, text: string, streaming: boolean): void;
  /** Called every animation frame while shown: follow scrolling and layout changes. */
  reposition(): void;
  clear(): void;
}

export interface TextAround {
  /** At most `maxChars` characters right before the caret, cut at promptStart (prompt-cut.ts): the start moves in steps. */
  before: string;
  /** At most `maxChars` characters right after it. */
  after: string;
  /** The caret, in the kind's own unit (document offset for CodeMirror, text offset for plain fields). */
  caret: number;
  /** True when text is selected (inline suggestions are not asked for then). */
  selection: boolean;
}

export interface EditorAccess<E> {
  /** The editor that owns `el` (the focused element, or an event's target), or null. */
  find(el: Element | null): E | null;
  textAround(editor: E, maxChars?: number): TextAround;
  /** A ghost renderer for `editor` (inline suggestions, and Generate in CodeMirror), or null when it cannot have one. */
  ghost(editor: E, onAccept: () => void): GhostRenderer | null;
  /**
   * Inserts `text` as text (never HTML) at `at`, the caret that `textAround` or
   * the previous insert returned (plain fields insert at their remembered
   * caret); for CodeMirror as one undo step. Returns the caret after it.
   */
  insert(editor: E, at: number, text: string): number;
  /** The element the Generate button is placed against. */
  buttonAnchor(editor: E): HTMLElement;
}
