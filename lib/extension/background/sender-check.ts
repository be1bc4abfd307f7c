/**
 * Who is talking to the background. Only our own extension is accepted:
 * a content script of ours (comes with a tab and a frame) or one of our own
 * pages (popup, offscreen document; URL on our origin, no tab). Anything else
 * (another extension, a web page via externally_connectable, a content script
 * without a tab) is rejected with a reason that ends up in the error message.
 */
import type { SenderLike } from '../ports';

export type SenderKind =
  | { kind: 'content'; tabId: number; frameId: number; origin?: string; documentId?: string }
  | { kind: 'extension-page'; url: string }
  | { kind: 'rejected'; reason: string };

export function classifySender(sender: SenderLike | undefined, runtimeId: string, extensionOrigin: string): SenderKind {
  if (!sender) return { kind: 'rejected', reason: 'no sender' };
  if (sender.id !== runtimeId) return { kind: 'rejected', reason: 'message from another extension or a web page' };
  if (sender.tab) {
    if (typeof sender.tab.id !== 'number' || sender.tab.id < 0) return { kind: 'rejected', reason: 'content script without a tab id' };
    const who: Extract<SenderKind, { kind: 'content' }> = { kind: 'content', tabId: sender.tab.id, frameId: sender.frameId ?? 0 };
    if (sender.origin) who.origin = sender.origin;
    if (sender.documentId) who.documentId = sender.documentId;
    return who;
  }
  if (typeof sender.url === 'string' && sender.url.startsWith(`${extensionOrigin}/`)) {
    return { kind: 'extension-page', url: sender.url };
  }
  return { kind: 'rejected', reason: 'sender is neither our content script nor our extension page' };
}

/** The unit of "one generation at a time": a field in one frame of one tab (or one extension page). */
export function fieldKeyFor(sender: Exclude<SenderKind, { kind: 'rejected' }>, fieldId: string): string {
  return sender.kind === 'content' ? `tab${sender.tabId}:frame${sender.frameId}:${fieldId}` : `page:${fieldId}`;
}

/**
 * The unit of "newest inline suggestion wins": the whole tab (or our own
 * pages), whatever frame or editor asked, since the user types in one place
 * at a time and an older request is stale once a newer one exists.
 */
export function suggestKeyFor(sender: Exclude<SenderKind, { kind: 'rejected' }>): string {
  return sender.kind === 'content' ? `tab${sender.tabId}:suggest` : 'page:suggest';
}

/**
 * Who a generation belongs to, for the engine: `owner` is the tab (the unit
 * of MAX_JOBS_PER_TAB), `cacheKey` the page's origin (the engine reuses a
 * prefix cache only for the same key, so a page's timing never depends on
 * another site's text). Opaque origins all read "null", so those are keyed by
 * their own document instead.
 */
export function ownerKeysFor(sender: Exclude<SenderKind, { kind: 'rejected' }>): { owner: string; cacheKey: string } {
  // Our own pages (popup, try-it box) are one party: the user.
  if (sender.kind === 'extension-page') return { owner: 'page', cacheKey: 'extension' };
  const owner = `tab${sender.tabId}`;
  const tupleOrigin = sender.origin && sender.origin !== 'null' ? sender.origin : undefined;
  return { owner, cacheKey: tupleOrigin ?? `opaque:${owner}:frame${sender.frameId}:${sender.documentId ?? 'unknown'}` };
}
