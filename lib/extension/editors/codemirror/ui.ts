/**
 * Extension UI on CodeMirror editors, created by the ISOLATED-world script: the
 * Generate button in the editor's corner, a small status / error line, and
 * the one-time basic-mode notice. Text is set with textContent only.
 */
export const GENERATE_BUTTON_ATTR = 'data-abstract-autocomplete-generate';
const STATUS_ATTR = 'data-abstract-autocomplete-status';
import { OWNED_EDITOR_ATTR } from '../kinds';
import { sparkleIcon } from '../icons';

const BUTTON_CSS =
  'position:absolute;top:6px;right:14px;z-index:6;font:12px system-ui,sans-serif;padding:2px 8px;' +
  'border:1px solid #9aa3ad;border-radius:4px;background:#fff;color:#1a1a1a;cursor:pointer;opacity:.9;' +
  'display:inline-flex;align-items:center;gap:4px;';
/** The sparkle's own colour; the label keeps the text colour. */
const SPARKLE_COLOR = '#7c3aed';
const STATUS_CSS =
  'position:absolute;top:30px;right:14px;z-index:6;max-width:60%;font:12px system-ui,sans-serif;padding:4px 8px;' +
  'border-radius:4px;background:#fff8e1;color:#3d3000;border:1px solid #e0c36a;';

export class EditorUi {
  private observer: MutationObserver | null = null;
  private busy = false;

  constructor(
    private readonly doc: Document,
    private readonly kind: 'codemirror' | 'overleaf',
    /** Called for trusted user activations of a Generate button only. */
    private readonly onGenerate: (editor: HTMLElement) => void,
  ) {}

  /** Adds a Generate button to every editor now and whenever the page (re)creates one. */
  watch(): void {
    const scan = () => {
      for (const content of Array.from(this.doc.querySelectorAll<HTMLElement>('.cm-content'))) this.attach(content);
    };
    scan();
    this.observer = new MutationObserver(scan);
    this.observer.observe(this.doc.documentElement, { childList: true, subtree: true });
  }

  /** The element the button and status line are placed in: `.cm-editor`, else the content's parent. */
  static containerOf(content: Element): HTMLElement | null {
    return (content.closest('.cm-editor') as HTMLElement | null) ?? content.parentElement;
  }

  private attach(content: HTMLElement): void {
    const container = EditorUi.containerOf(content);
    if (!container || container.querySelector(`:scope > [${GENERATE_BUTTON_ATTR}]`)) return;
    if (getComputedStyle(container).position === 'static') container.style.position = 'relative';
    // Lets the plain-field script (if the user enabled it on all sites) leave this editor to us.
    container.setAttribute(OWNED_EDITOR_ATTR, this.kind);
    const button = this.doc.createElement('button');
    button.type = 'button';
    button.setAttribute(GENERATE_BUTTON_ATTR, '');
    button.style.cssText = BUTTON_CSS;
    this.label(button);
    // Keep the editor's focus and caret where they are.
    button.addEventListener('mousedown', (e) => e.preventDefault());
    button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      // A page script can call button.click(); only a real user activation starts the model.
      if (!e.isTrusted) return;
      this.onGenerate(container);
    });
    container.append(button);
  }

  private label(button: HTMLButtonElement): void {
    if (this.busy) button.replaceChildren('Generating…');
    else {
      const icon = sparkleIcon(this.doc);
      icon.style.color = SPARKLE_COLOR;
      button.replaceChildren(icon, 'Generate');
    }
    button.title = 'Generate a continuation at the caret (Alt+Shift+G). Tab accepts, Esc dismisses.';
    button.setAttribute('aria-label', this.busy ? 'Generating continuation' : 'Generate continuation');
    button.setAttribute('aria-busy', String(this.busy));
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    for (const b of Array.from(this.doc.querySelectorAll<HTMLButtonElement>(`[${GENERATE_BUTTON_ATTR}]`))) this.label(b);
  }

  /** A short message in the editor's corner; replaces the previous one. Empty string clears. */
  status(container: HTMLElement | null, message: string, timeoutMs = 6000): void {
    for (const old of Array.from(this.doc.querySelectorAll(`[${STATUS_ATTR}]`))) old.remove();
    if (!message || !container) return;
    const line = this.doc.createElement('div');
    line.setAttribute(STATUS_ATTR, '');
    line.setAttribute('role', 'status');
    line.style.cssText = STATUS_CSS;
    line.textContent = message;
    container.append(line);
    if (timeoutMs > 0) setTimeout(() => line.remove(), timeoutMs);
  }
}
