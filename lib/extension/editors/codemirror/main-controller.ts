/**
 * MAIN-world side of the codemirror kind (and Overleaf): owns at most one
 * ghost session, and touches the editor only through the kind's EditorAccess
 * (contract.ts).
 *
 * It only ever (a) reads the text before the caret when asked, and (b) shows,
 * inserts or removes text it is sent. It never talks to the extension and
 * cannot start a generation (see bridge.ts for why that matters).
 *
 * A session starts at the caret when the isolated side asks for context. It
 * ends when the completion is accepted in full, on Esc, on any other key, on a
 * click elsewhere, or when the caret / the text before it changes (checked
 * every animation frame, which also keeps the overlay glued to the caret while
 * the editor scrolls).
 */
import type { EditorAccess, GhostRenderer } from '../contract';
import { splitNextWord } from './accept-word';
import { codemirrorAccess } from './access';
import { toIsolatedMessage, type EditorMode, type ToIsolatedBody, type ToMainMessage } from './bridge';
import type { EditorViewLike } from './editor-view';
import { findEditorView } from './find-editor-view';
import { isGhostElement } from './ghost-ui';
import { ghostKeyAction } from './keys';

/** Characters before the caret that must stay unchanged for the ghost to stay. */
const GUARD_CHARS = 64;

interface Session {
  id: string;
  view: EditorViewLike;
  mode: EditorMode;
  renderer: GhostRenderer;
  /** Where the ghost is shown = where the next accepted text goes. */
  caret: number;
  /** Everything generated so far; `full.slice(consumed)` is what is still shown. */
  full: string;
  consumed: number;
  streaming: boolean;
  seenState: unknown;
  guard: string;
}

export class MainController {
  private channel: string | null = null;
  private session: Session | null = null;
  private frame = 0;

  constructor(
    private readonly win: Window,
    private readonly post: (message: ReturnType<typeof toIsolatedMessage>) => void,
    private readonly access: EditorAccess<EditorViewLike> = codemirrorAccess,
  ) {
    // Capture phase on window: runs before CodeMirror's own handlers on the content element.
    win.addEventListener('keydown', (e) => this.onKeyDown(e), true);
    win.addEventListener('mousedown', (e) => this.onMouseDown(e), true);
  }

  get channelBound(): boolean {
    return this.channel !== null;
  }

  handle(msg: ToMainMessage): void {
    if (msg.type === 'hello') {
      // First hello wins: a page that races its own hello in only breaks its own autocomplete.
      this.channel ??= msg.channel;
      return;
    }
    if (msg.channel !== this.channel) return;
    switch (msg.type) {
      case 'context-request':
        return this.start(msg.id);
      case 'ghost':
        return this.update(msg.id, msg.text, msg.streaming);
      case 'dismiss':
        if (this.session?.id === msg.id) this.end(null);
        return;
    }
  }

  private send(body: ToIsolatedBody): void {
    if (this.channel) this.post(toIsolatedMessage(this.channel, body));
  }

  /** The focused editor, else the first one (the keyboard command may arrive with focus elsewhere). */
  private pickView(): EditorViewLike | null {
    return this.access.find(this.win.document.activeElement) ?? findEditorView(this.win.document)?.view ?? null;
  }

  private start(id: string): void {
    this.end('dismissed');
    const view = this.pickView();
    if (!view) {
      this.send({ type: 'context', id, ok: false, text: '' });
      return;
    }
    const { before: text, caret } = this.access.textAround(view);
    const renderer = this.access.ghost(view, () => this.accept('all'));
    if (!renderer) return this.send({ type: 'context', id, ok: false, text: '' });
    const mode: EditorMode = renderer.inline ? 'native' : 'overlay';
    this.session = {
      id,
      view,
      mode,
      renderer,
      caret,
      full: '',
      consumed: 0,
      streaming: true,
      seenState: view.state,
      guard: this.guardAt(view, caret),
    };
    // A Generate click may have moved focus to the button; Tab must reach the editor.
    if (!view.hasFocus) view.focus();
    renderer.show(caret, '', true);
    this.send({ type: 'context', id, ok: true, text, mode });
    this.watch();
  }

  private update(id: string, text: string, streaming: boolean): void {
    const s = this.session;
    if (!s || s.id !== id) return;
    s.full = text;
    s.streaming = streaming;
    const rest = text.slice(s.consumed);
    if (!rest && !streaming) return this.end(s.consumed > 0 ? 'accepted' : 'dismissed');
    s.renderer.show(s.caret, rest, streaming);
  }

  /** Inserts the whole suggestion or its next word through one editor transaction. */
  private accept(what: 'all' | 'word'): void {
    const s = this.session;
    if (!s) return;
    const remaining = s.full.slice(s.consumed);
    if (!remaining) return;
    const { view } = s;
    if (view.state.selection.main.head !== s.caret) return this.end('dismissed');
    const [word, tail] = splitNextWord(remaining);
    const text = what === 'all' ? remaining : word;
    const rest = what === 'all' ? '' : tail;
    const done = !rest && (what === 'all' || !s.streaming);
    const to = this.access.insert(view, s.caret, text);
    s.consumed += text.length;
    s.caret = to;
    s.seenState = view.state;
    s.guard = this.guardAt(view, to);
    // Also stops a still-running generation (the isolated side cancels on "ended").
    if (done) this.end('accepted');
    else s.renderer.show(to, rest, s.streaming);
  }

  private end(reason: 'accepted' | 'dismissed' | null): void {
    const s = this.session;
    if (!s) return;
    this.session = null;
    s.renderer.clear();
    if (reason) this.send({ type: 'ended', id: s.id, reason });
  }

  private guardAt(view: EditorViewLike, caret: number): string {
    return view.state.doc.sliceString(Math.max(0, caret - GUARD_CHARS), caret);
  }

  private watch(): void {
    if (this.frame) return;
    const tick = () => {
      this.frame = 0;
      const s = this.session;
      if (!s) return;
      if (!s.view.dom.isConnected) return this.end('dismissed');
      if (s.view.state !== s.seenState) {
        const head = s.view.state.selection.main.head;
        if (head !== s.caret || this.guardAt(s.view, head) !== s.guard) return this.end('dismissed');
        s.seenState = s.view.state; // e.g. a collaborator's edit further down
      }
      s.renderer.reposition();
      this.frame = this.win.requestAnimationFrame(tick);
    };
    this.frame = this.win.requestAnimationFrame(tick);
  }

  /** Keymap entry point for the native extension. */
  onNativeKey(action: 'accept' | 'accept-word' | 'dismiss-consume', view: EditorViewLike): boolean {
    const s = this.session;
    if (!s || s.view !== view) return false;
    if (action === 'dismiss-consume') this.end('dismissed');
    else if (s.full.length > s.consumed) this.accept(action === 'accept' ? 'all' : 'word');
    return true; // While a ghost is shown (even "…"), Tab must not indent.
  }

  onAcceptClick(): void {
    this.accept('all');
  }

  private onKeyDown(e: KeyboardEvent): void {
    const s = this.session;
    if (!s || s.mode === 'native') return; // native mode: the keymap handles keys, the watcher the rest
    const action = ghostKeyAction(e);
    if (action === 'ignore') return;
    if (action === 'dismiss') return this.end('dismissed');
    e.preventDefault();
    e.stopImmediatePropagation();
    if (action === 'dismiss-consume') this.end('dismissed');
    else this.accept(action === 'accept' ? 'all' : 'word');
  }

  private onMouseDown(e: MouseEvent): void {
    if (this.session && !isGhostElement(e.target)) this.end('dismissed');
  }
}
