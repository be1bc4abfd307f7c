/**
 * What makes the Overleaf kind more than CodeMirror 6: Overleaf fires
 * `UNSTABLE_editor:extensions` with its own CodeMirror exports and an array
 * to push extensions into (overleaf/overleaf,
 * services/web/frontend/js/features/source-editor/extensions/third-party-extensions.ts).
 * With those exports the ghost is a real decoration, Tab is a high-precedence
 * keymap and the accept isolates its history event (native-ghost.ts); without
 * them the codemirror kind's overlay path still works.
 */
import type { EditorViewLike } from '../codemirror/editor-view';
import type { MainController } from '../codemirror/main-controller';
import type { EditorAccess } from '../contract';
import { overleafAccess } from './access';
import { createNativeSupport, isCodeMirrorExports, type NativeSupport } from './native-ghost';

export interface OverleafHook {
  /** The editor access to give the MAIN-world controller (native where Overleaf handed us its CodeMirror). */
  access: EditorAccess<EditorViewLike>;
  /** Starts listening for Overleaf's extension event; key presses in native views go to `controller`. */
  install(controller: MainController): void;
}

export function createOverleafHook(win: Window): OverleafHook {
  let current: NativeSupport | null = null;
  return { access: overleafAccess(() => current), install: (controller) => listen(win, controller, (n) => (current = n)) };
}

function listen(win: Window, controller: MainController, use: (native: NativeSupport) => void): void {
  // One native extension per CodeMirror instance Overleaf hands us; the event
  // fires again for every editor it (re)creates.
  const built = new WeakMap<object, NativeSupport>();
  win.addEventListener('UNSTABLE_editor:extensions', (e) => {
    const detail = (e as CustomEvent<unknown>).detail as { CodeMirror?: unknown; extensions?: unknown } | null;
    const cm = detail?.CodeMirror;
    if (!isCodeMirrorExports(cm) || !Array.isArray(detail?.extensions)) return; // API changed: overlay mode still works
    let native = built.get(cm);
    try {
      native ??= createNativeSupport(cm, {
        onKey: (action, view) => controller.onNativeKey(action, view),
        onAcceptClick: () => controller.onAcceptClick(),
      });
    } catch {
      return; // Exports with an unexpected shape: stay on the overlay path.
    }
    built.set(cm, native);
    use(native);
    detail.extensions.push(native.extension);
  });
  // If Overleaf built its editor before we listened, ask it to collect extensions again.
  win.dispatchEvent(new CustomEvent('editor:extension-loaded'));
}
