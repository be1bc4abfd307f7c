/**
 * Finds the page's CodeMirror 6 EditorView from its DOM (MAIN world only:
 * these expando properties are invisible to isolated-world scripts).
 *
 * CodeMirror keeps a back-pointer from DOM nodes to its internal objects:
 *  - @codemirror/view >= 6.39: `node.cmTile` (src/tile.ts); the content
 *    element's tile is the DocTile, whose `.view` is the EditorView, and every
 *    tile reaches it through `.root.view`.
 *  - older versions: `node.cmView` (a ContentView); its `.view` is the EditorView.
 * Overleaf may ship either, so both are tried. Whatever we find is checked
 * structurally, and must own the very element we started from, so a stale or
 * unrelated object is never used.
 */
import type { EditorViewLike } from './editor-view';

type Expando = Record<string, unknown> | undefined | null;

function get(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined;
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined; // A hostile getter; treat as absent.
  }
}

/** True when `value` has the EditorView members we rely on. */
export function isEditorViewLike(value: unknown): value is EditorViewLike {
  const state = get(value, 'state');
  const doc = get(state, 'doc');
  const main = get(get(state, 'selection'), 'main');
  return (
    typeof get(value, 'dispatch') === 'function' &&
    typeof get(value, 'coordsAtPos') === 'function' &&
    typeof get(value, 'focus') === 'function' &&
    typeof get(doc, 'sliceString') === 'function' &&
    typeof get(main, 'head') === 'number' &&
    get(value, 'contentDOM') instanceof HTMLElement &&
    get(value, 'dom') instanceof HTMLElement
  );
}

/** Which CodeMirror layout a view was found through (reported in tests and diagnostics). */
export type ViewLayout = 'cmTile' | 'cmView';

/** The EditorView that owns `contentEl` (a `.cm-content` element), or null. */
export function viewFromContentElement(contentEl: Element): { view: EditorViewLike; layout: ViewLayout } | null {
  const tile = get(contentEl, 'cmTile') as Expando;
  const candidates: Array<[unknown, ViewLayout]> = [
    [get(get(tile, 'root'), 'view'), 'cmTile'],
    [get(tile, 'view'), 'cmTile'],
    [get(get(contentEl, 'cmView') as Expando, 'view'), 'cmView'],
  ];
  for (const [candidate, layout] of candidates) {
    if (isEditorViewLike(candidate) && candidate.contentDOM === contentEl) return { view: candidate, layout };
  }
  return null;
}

/**
 * The EditorView to act on: the one containing the focused element if any,
 * else the first one on the page. Called afresh on every use, so an editor
 * that Overleaf destroyed and re-created (file switch, layout change) is
 * picked up without bookkeeping.
 */
export function findEditorView(root: Document = document): { view: EditorViewLike; layout: ViewLayout } | null {
  const contents = Array.from(root.querySelectorAll('.cm-content'));
  const active = root.activeElement;
  const focused = contents.find((el) => active && (el === active || el.contains(active)));
  for (const el of focused ? [focused, ...contents] : contents) {
    const found = viewFromContentElement(el);
    if (found) return found;
  }
  return null;
}
