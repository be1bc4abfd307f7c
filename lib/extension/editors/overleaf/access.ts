/**
 * The overleaf kind's side of the editor contract (contract.ts): the
 * codemirror kind's, except in views that carry our native extension
 * (page-hook.ts), where the ghost is a CodeMirror decoration and an accept
 * carries the page's own `isolateHistory`.
 */
import { codemirrorAccess, dispatchInsert } from '../codemirror/access';
import type { EditorViewLike } from '../codemirror/editor-view';
import type { EditorAccess } from '../contract';
import type { NativeSupport } from './native-ghost';

export function overleafAccess(native: () => NativeSupport | null): EditorAccess<EditorViewLike> {
  const carrier = (view: EditorViewLike) => {
    const support = native();
    return support?.views.has(view) ? support : null;
  };
  return {
    ...codemirrorAccess,
    find(el) {
      const views = [...(native()?.views ?? [])].filter((v) => v.dom.isConnected);
      return views.find((v) => el && v.dom.contains(el)) ?? codemirrorAccess.find(el);
    },
    ghost: (view, onAccept) => carrier(view)?.rendererFor(view) ?? codemirrorAccess.ghost(view, onAccept),
    insert(view, at, text) {
      const isolateAfter = carrier(view)?.isolateAfter;
      return isolateAfter ? dispatchInsert(view, at, text, { annotations: isolateAfter }) : codemirrorAccess.insert(view, at, text);
    },
  };
}
