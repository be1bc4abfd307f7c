/**
 * The DOM of a ghost completion, shared by both renderers (overlay and
 * native widget): greyed text plus a small Accept button. Generated text is
 * only ever set through `textContent`, never parsed as HTML.
 */
import { tabKeyIcon } from '../icons';

export const GHOST_CLASS = 'aa-ghost';
export const GHOST_TEXT_CLASS = 'aa-ghost-text';
export const GHOST_ACCEPT_CLASS = 'aa-ghost-accept';
/** Shown while the first tokens are on their way. */
export const LOADING_TEXT = '…';

export function createGhostContent(doc: Document, onAccept: () => void): {
  root: HTMLElement;
  setText(text: string, streaming: boolean): void;
} {
  const root = doc.createElement('span');
  root.className = GHOST_CLASS;
  root.setAttribute('aria-live', 'polite');
  root.setAttribute('data-abstract-autocomplete', 'ghost');
  const text = doc.createElement('span');
  text.className = GHOST_TEXT_CLASS;
  text.style.cssText = 'color:#8a8f98;opacity:.9;white-space:pre-wrap;';
  const accept = doc.createElement('button');
  accept.type = 'button';
  accept.className = GHOST_ACCEPT_CLASS;
  accept.append('Accept', tabKeyIcon(doc));
  accept.title = 'Accept the suggestion (Tab); Ctrl+→ accepts one word, Esc dismisses';
  accept.setAttribute('aria-label', 'Accept suggestion');
  accept.style.cssText =
    'pointer-events:auto;margin-left:6px;font:11px system-ui,sans-serif;padding:0 5px;border:1px solid #c5c9d0;' +
    'border-radius:3px;background:#f4f5f7;color:#333;cursor:pointer;vertical-align:middle;text-indent:0;' +
    'display:inline-flex;align-items:center;gap:3px;';
  // Keep focus and selection in the editor: a focus change would dismiss the ghost.
  accept.addEventListener('mousedown', (e) => {
    e.preventDefault();
    e.stopPropagation();
  });
  accept.addEventListener('click', (e) => {
    e.preventDefault();
    e.stopPropagation();
    onAccept();
  });
  root.append(text, accept);
  return {
    root,
    setText(value: string, streaming: boolean) {
      text.textContent = value || (streaming ? LOADING_TEXT : '');
      accept.hidden = value.length === 0;
      // Whether more text is on its way (the Generate control turns idle only once the final text is drawn).
      root.dataset.streaming = String(streaming);
    },
  };
}

/** True for events on our own ghost UI (so they do not count as "clicking elsewhere"). */
export function isGhostElement(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(`.${GHOST_CLASS}`) !== null;
}
