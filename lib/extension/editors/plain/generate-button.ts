/**
 * The small Generate / Stop button shown beside the focused field, plus a
 * status line. Lives in its own closed shadow root so page CSS cannot restyle
 * it, ours cannot leak, and page scripts cannot reach the button to click it. It sits just outside the field's bottom-right corner (or
 * above it when there is no room below), never over the text.
 *
 * Only trusted activations count: a real mouse click, or Enter / Space on the
 * focused button (the browser turns those into a trusted click). A page script
 * that dispatches a click, on the button or on its host, must not be able to
 * run the model into a field of its choosing and read the result.
 */
export const UI_TAG = 'abstract-autocomplete-ui';
const GENERATE_LABEL = 'Generate continuation (Alt+Shift+G)';
const STOP_LABEL = 'Stop generating';

const STYLE = `
:host { all: initial; }
.wrap { position: fixed; z-index: 2147483647; display: none; align-items: center; gap: 6px;
  font: 12px/1.2 system-ui, sans-serif; pointer-events: none; }
.wrap.visible { display: flex; }
button { pointer-events: auto; cursor: pointer; border: 1px solid #8a8f98; border-radius: 12px;
  background: #fff; color: #1f2328; padding: 3px 10px; font: inherit; box-shadow: 0 1px 2px rgba(0,0,0,.15); }
button:hover { background: #f3f4f6; }
button:focus-visible { outline: 2px solid #2563eb; outline-offset: 1px; }
button[data-state="generating"] { border-color: #b91c1c; color: #b91c1c; }
.status { background: #1f2328; color: #fff; border-radius: 4px; padding: 3px 6px; max-width: 320px; }
.status:empty { display: none; }
`;

export interface ButtonCallbacks {
  onActivate(): void;
}

export class GenerateButton {
  readonly host: HTMLElement;
  readonly button: HTMLButtonElement;
  private readonly wrap: HTMLDivElement;
  private readonly status: HTMLDivElement;
  /** Closed: `host.shadowRoot` is null for everyone, so we keep our own reference. */
  private readonly root: ShadowRoot;
  private anchor: Element | null = null;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private frame = 0;

  constructor(doc: Document, callbacks: ButtonCallbacks) {
    this.host = doc.createElement(UI_TAG);
    this.host.dataset.state = 'idle';
    // Closed (page scripts cannot reach in); assistive tech still sees the button.
    const root = (this.root = this.host.attachShadow({ mode: 'closed' }));
    const style = doc.createElement('style');
    style.textContent = STYLE;
    this.wrap = doc.createElement('div');
    this.wrap.className = 'wrap';
    this.button = doc.createElement('button');
    this.button.type = 'button';
    this.status = doc.createElement('div');
    this.status.className = 'status';
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.wrap.append(this.button, this.status);
    root.append(style, this.wrap);
    this.setGenerating(false);
    // Keep focus (and the caret) in the field when the button is clicked with the mouse.
    this.button.addEventListener('mousedown', (e) => e.preventDefault());
    this.button.addEventListener('click', (e) => {
      e.preventDefault();
      e.stopPropagation();
      if (!e.isTrusted) return;
      callbacks.onActivate();
    });
    const reposition = () => this.schedulePosition();
    doc.defaultView?.addEventListener('scroll', reposition, true);
    doc.defaultView?.addEventListener('resize', reposition);
    (doc.body ?? doc.documentElement).append(this.host);
  }

  showFor(field: Element): void {
    this.anchor = field;
    this.wrap.classList.add('visible');
    this.position();
  }

  hide(): void {
    this.anchor = null;
    this.wrap.classList.remove('visible');
  }

  /** True while focus is on our button (keyboard users tabbed to it). */
  hasFocus(): boolean {
    return this.root.activeElement === this.button;
  }

  setGenerating(generating: boolean): void {
    this.host.dataset.state = generating ? 'generating' : 'idle';
    this.button.dataset.state = generating ? 'generating' : 'idle';
    this.button.textContent = generating ? 'Stop' : 'Generate';
    this.button.setAttribute('aria-label', generating ? STOP_LABEL : GENERATE_LABEL);
    this.button.title = generating ? 'Stop generating (Esc)' : 'Continue the text at the caret with the local model (Alt+Shift+G)';
  }

  /** Shows a short message; errors stay longer. */
  say(message: string, ms = 5000): void {
    clearTimeout(this.statusTimer);
    this.status.textContent = message;
    this.host.dataset.message = message;
    if (ms > 0) this.statusTimer = setTimeout(() => (this.status.textContent = ''), ms);
  }

  private schedulePosition(): void {
    if (!this.anchor || this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.position();
    });
  }

  private position(): void {
    if (!this.anchor) return;
    const rect = this.anchor.getBoundingClientRect();
    const height = this.wrap.offsetHeight || 24;
    const width = this.wrap.offsetWidth || 90;
    const view = this.host.ownerDocument.defaultView;
    const viewHeight = view?.innerHeight ?? 0;
    const below = rect.bottom + 4;
    const top = below + height <= viewHeight || rect.top - height - 4 < 0 ? below : rect.top - height - 4;
    const left = Math.max(0, rect.right - width);
    this.wrap.style.top = `${Math.round(top)}px`;
    this.wrap.style.left = `${Math.round(left)}px`;
  }
}
