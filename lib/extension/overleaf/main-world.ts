/**
 * Wiring of the MAIN-world script: the bridge listener, and the native
 * extension offered through Overleaf's `UNSTABLE_editor:extensions` event.
 */
import { parseToMain, toIsolatedMessage } from './bridge';
import { MainController } from './main-controller';
import { createNativeSupport, isCodeMirrorExports, type NativeSupport } from './native-ghost';

export function installMainWorld(win: Window): MainController {
  const post = (message: unknown) => win.postMessage(message, win.location.origin);
  const controller = new MainController(win, post);

  win.addEventListener('message', (e) => {
    if (e.source !== win) return;
    const msg = parseToMain(e.data);
    if (msg) controller.handle(msg);
  });

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
    controller.useNative(native);
    detail.extensions.push(native.extension);
  });

  post(toIsolatedMessage(null, { type: 'main-ready' }));
  // If Overleaf built its editor before we listened, ask it to collect extensions again.
  win.dispatchEvent(new CustomEvent('editor:extension-loaded'));
  return controller;
}
