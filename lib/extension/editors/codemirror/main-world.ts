/**
 * Wiring of the MAIN-world script of the codemirror kind: the bridge
 * listener. A kind built on it (Overleaf) adds its page hook through
 * `withController`.
 */
import { parseToMain, toIsolatedMessage } from './bridge';
import { MainController } from './main-controller';

export function installMainWorld(win: Window, withController?: (controller: MainController) => void): MainController {
  const post = (message: unknown) => win.postMessage(message, win.location.origin);
  const controller = new MainController(win, post);

  win.addEventListener('message', (e) => {
    if (e.source !== win) return;
    const msg = parseToMain(e.data);
    if (msg) controller.handle(msg);
  });
  withController?.(controller);

  post(toIsolatedMessage(null, { type: 'main-ready' }));
  return controller;
}
