/**
 * The slice of CodeMirror 6's `EditorView` API the codemirror kind uses.
 *
 * We never import @codemirror into the page: the MAIN-world script works with
 * the page's own EditorView instance, and a second copy of @codemirror/state
 * would break CodeMirror's `instanceof` checks. So the view is typed
 * structurally, and only these members are touched.
 */
export interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface EditorViewLike {
  readonly state: {
    readonly doc: {
      readonly length: number;
      sliceString(from: number, to?: number): string;
      lineAt(pos: number): { readonly from: number };
    };
    readonly selection: { readonly main: { readonly head: number; readonly anchor: number; readonly empty: boolean } };
  };
  dispatch(spec: {
    changes?: { from: number; to?: number; insert: string };
    selection?: { anchor: number; head?: number };
    userEvent?: string;
    scrollIntoView?: boolean;
    effects?: unknown;
    annotations?: unknown;
  }): void;
  coordsAtPos(pos: number, side?: -1 | 1): Rect | null;
  focus(): void;
  readonly hasFocus: boolean;
  /** The `.cm-editor` element. */
  readonly dom: HTMLElement;
  /** The `.cm-content` contenteditable. */
  readonly contentDOM: HTMLElement;
}
