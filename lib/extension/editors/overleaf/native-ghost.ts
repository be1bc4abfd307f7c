/**
 * The native path: when Overleaf fires `UNSTABLE_editor:extensions` it hands
 * us its own CodeMirror exports, so we can add a real extension to its
 * editor instead of an overlay:
 *  - a StateField of widget decorations shows the ghost text inline at the
 *    caret (decorations are view-only: never in the document, never sent to
 *    collaborators);
 *  - a `Prec.highest` keymap binds Tab / Esc / Ctrl+→ (⌥→ on macOS) / Alt+] / Alt+[ ahead of Overleaf's own
 *    bindings, only while a ghost is shown (otherwise it returns false and
 *    the key does what it always did);
 *  - a ViewPlugin tells us which views carry the extension.
 * Everything is built from the page's exports (never our own @codemirror
 * copy, which would fail CodeMirror's instanceof checks).
 */
import type { GhostRenderer } from '../contract';
import type { EditorViewLike } from '../codemirror/editor-view';
import type { NativeKeyAction } from '../codemirror/main-controller';
import { createGhostContent } from '../codemirror/ghost-ui';

/* The exports we use, typed loosely: they come from the page at run time. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface CodeMirrorExports {
  Decoration: any;
  WidgetType: any;
  StateField: any;
  StateEffect: any;
  EditorView: any;
  ViewPlugin: any;
  Prec: any;
  keymap: any;
  isolateHistory?: any;
}

const REQUIRED = ['Decoration', 'WidgetType', 'StateField', 'StateEffect', 'EditorView', 'ViewPlugin', 'Prec', 'keymap'];

export function isCodeMirrorExports(value: unknown): value is CodeMirrorExports {
  if (!value || typeof value !== 'object') return false;
  return REQUIRED.every((name) => {
    const member = (value as Record<string, unknown>)[name];
    return member !== null && (typeof member === 'function' || typeof member === 'object');
  });
}

export interface NativeHooks {
  /** A bound key was pressed in `view`; return true if it was handled. */
  onKey(action: NativeKeyAction, view: EditorViewLike): boolean;
  /** The ghost's Accept button was clicked. */
  onAcceptClick(): void;
}

interface GhostSpec {
  pos: number;
  text: string;
  streaming: boolean;
}

export interface NativeSupport {
  /** The extension to push into Overleaf's `extensions` array. */
  extension: unknown;
  /** Live views that carry the extension (most recently created last). */
  readonly views: Set<EditorViewLike>;
  rendererFor(view: EditorViewLike): GhostRenderer;
  /** Annotation that ends the undo step after an accept, so typing after it is not merged into it (absent in old pages). */
  readonly isolateAfter?: unknown;
}

export function createNativeSupport(cm: CodeMirrorExports, hooks: NativeHooks): NativeSupport {
  const setGhost = cm.StateEffect.define({
    map: (value: GhostSpec | null, changes: { mapPos(pos: number, assoc?: number): number }) =>
      value && { ...value, pos: changes.mapPos(value.pos, 1) },
  });

  class GhostWidget extends cm.WidgetType {
    constructor(readonly text: string, readonly streaming: boolean) {
      super();
    }
    eq(other: GhostWidget): boolean {
      return other.text === this.text && other.streaming === this.streaming;
    }
    toDOM(view: { dom: HTMLElement }): HTMLElement {
      const ui = createGhostContent(view.dom.ownerDocument, () => hooks.onAcceptClick());
      ui.setText(this.text, this.streaming);
      ui.root.style.pointerEvents = 'none';
      return ui.root;
    }
    /** Our Accept button handles its own events; CodeMirror should not treat them as editor clicks. */
    ignoreEvent(): boolean {
      return true;
    }
  }

  const field = cm.StateField.define({
    create: () => cm.Decoration.none,
    update(decorations: any, tr: any) {
      let next = decorations.map(tr.changes);
      for (const effect of tr.effects) {
        if (!effect.is(setGhost)) continue;
        const spec = effect.value as GhostSpec | null;
        next = spec
          ? cm.Decoration.set([
              cm.Decoration.widget({ widget: new GhostWidget(spec.text, spec.streaming), side: 1 }).range(spec.pos),
            ])
          : cm.Decoration.none;
      }
      return next;
    },
    provide: (f: unknown) => cm.EditorView.decorations.from(f),
  });

  const views = new Set<EditorViewLike>();
  const tracker = cm.ViewPlugin.define((view: EditorViewLike) => {
    views.add(view);
    return { destroy: () => views.delete(view) };
  });

  const bind = (action: NativeKeyAction) => (view: EditorViewLike) =>
    hooks.onKey(action, view);
  const keys = cm.Prec.highest(
    cm.keymap.of([
      { key: 'Tab', run: bind('accept') },
      { key: 'Ctrl-ArrowRight', mac: 'Alt-ArrowRight', run: bind('accept-word') },
      { key: 'Escape', run: bind('dismiss-consume') },
      { key: 'Alt-]', run: bind('next') },
      { key: 'Alt-[', run: bind('previous') },
    ]),
  );

  return {
    extension: [field, tracker, keys],
    views,
    rendererFor(view) {
      const dispatch = (spec: GhostSpec | null) => {
        try {
          view.dispatch({ effects: setGhost.of(spec) });
        } catch {
          // The view was destroyed; nothing to clear.
        }
      };
      return {
        inline: true,
        show: (pos, text, streaming) => dispatch({ pos, text, streaming }),
        reposition: () => {},
        clear: () => dispatch(null),
      };
    },
    isolateAfter: cm.isolateHistory?.of('after'),
  };
}
