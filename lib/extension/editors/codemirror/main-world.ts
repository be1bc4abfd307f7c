/**
 * Wiring of the MAIN-world script of the codemirror kind: the bridge
 * listener and the controller. A kind built on it (Overleaf) passes its own
 * EditorAccess and adds its page hook through `withController`.
 */
import type { EditorAccess } from '../contract';
import { codemirrorAccess } from './access';
import { parseToMain, toIsolatedMessage } from './bridge';
import type { EditorViewLike } from './editor-view';
import { MainController } from './main-controller';

export function installMainWorld(
  win: Window,
  access: EditorAccess<EditorViewLike> = codemirrorAccess,
  withController?: (controller: MainController) => void,
): MainController {
  const post = (message: unknown) => win.postMessage(message, win.location.origin);
  const controller = new MainController(win, post, access);

  win.addEventListener('message', (e) => {
    if (e.source !== win) return;
    const msg = parseToMain(e.data);
    if (msg) controller.handle(msg);
  });
  withController?.(controller);

  post(toIsolatedMessage(null, { type: 'main-ready' }));
  return controller;
}
