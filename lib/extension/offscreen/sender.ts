/**
 * The engine only obeys our own extension's pages and service worker: never
 * a content script (those go through the background's checks) and never a
 * web page or another extension.
 */
import type { SenderLike } from '../ports';

export function isFromExtensionPage(sender: SenderLike | undefined, runtimeId: string, extensionOrigin: string): boolean {
  if (!sender || sender.id !== runtimeId) return false;
  if (sender.tab) return false;
  return typeof sender.url === 'string' && sender.url.startsWith(`${extensionOrigin}/`);
}
