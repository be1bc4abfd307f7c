/**
 * Which elements get the Generate button, found through open shadow roots
 * and in the frame the script runs in (all_frames covers same-origin iframes).
 * CodeMirror editors (and anything inside a container a CodeMirror-based
 * script marked, kinds.ts OWNED_EDITOR_SELECTOR) are left to the codemirror
 * kind, which talks to the editor itself; typing into CodeMirror's DOM from
 * outside would desync it.
 */
import { OWNED_EDITOR_SELECTOR } from '../kinds';

export type Field = HTMLTextAreaElement | HTMLElement;

export function isTextarea(el: Element): el is HTMLTextAreaElement {
  return el instanceof HTMLTextAreaElement || el.tagName === 'TEXTAREA';
}

/** Editors a CodeMirror-based script owns (it marks their container) or any CodeMirror. */
function isCodeMirror(el: Element): boolean {
  return el.closest(`.cm-editor, .CodeMirror, ${OWNED_EDITOR_SELECTOR}`) !== null;
}

/** The element that owns editing: a textarea, or the topmost contenteditable host. */
export function editingHost(el: Element): Field | null {
  if (isTextarea(el)) {
    return el.readOnly || el.disabled || isCodeMirror(el) ? null : el;
  }
  if (!(el instanceof HTMLElement) || !el.isContentEditable) return null;
  let host: HTMLElement = el;
  while (host.parentElement?.isContentEditable) host = host.parentElement;
  return isCodeMirror(host) ? null : host;
}

/** The field an event happened in, looking through open shadow roots. */
export function fieldFromEvent(event: Event): Field | null {
  for (const node of event.composedPath()) {
    if (node instanceof Element) {
      const host = editingHost(node);
      if (host) return host;
    }
  }
  return null;
}

/** document.activeElement, descending into open shadow roots. */
export function deepActiveElement(doc: Document = document): Element | null {
  let active: Element | null = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

export function focusedField(doc: Document = document): Field | null {
  const active = deepActiveElement(doc);
  return active ? editingHost(active) : null;
}

const ids = new WeakMap<Field, string>();
let nextId = 1;
/** A stable id per field for this page's life, so the engine can tell fields apart. */
export function fieldId(field: Field): string {
  let id = ids.get(field);
  if (!id) {
    id = `field-${nextId++}`;
    ids.set(field, id);
  }
  return id;
}
