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
import { GhostState } from '../ghost-state';
import { codemirrorAccess } from './access';
import { MAX_LINE_AFTER, toIsolatedMessage, type EditorMode, type ToIsolatedBody, type ToMainMessage } from './bridge';
import type { EditorViewLike } from './editor-view';
import { findEditorView } from './find-editor-view';
import { isGhostElement } from './ghost-ui';
import { ghostKeyAction, typedCharacter, type GhostKeyAction } from './keys';
import { traceMark } from '../../trace';

/** Characters before the caret that must stay unchanged for the ghost to stay. */
const GUARD_CHARS = 64;

/** The keys the native keymap binds (native-ghost.ts). */
export type NativeKeyAction = Extract<GhostKeyAction, 'accept' | 'accept-word' | 'dismiss-consume' | 'next' | 'previous'>;

interface Session {
  id: string;
  /** `generate`: a Generate click or the shortcut; `inline`: a suggestion as you type. */
  kind: 'generate' | 'inline';
  view: EditorViewLike;
  mode: EditorMode;
  renderer: GhostRenderer;
  /** Where the ghost is shown = where the next accepted text goes. */
  caret: number;
  ghost: GhostState;
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
        return this.start(msg.id, msg.inline === true);
      case 'ghost':
        return this.update(msg.id, [msg.text], msg.streaming, 'generate');
      case 'suggestions':
        this.update(msg.id, msg.candidates, msg.streaming, 'inline');
        return traceMark('drawn');
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

  private start(id: string, inline: boolean): void {
    const current = this.session;
    // A suggestion never replaces a ghost the user is looking at (or a Generate in progress).
    if (inline && current && (current.kind === 'generate' || current.ghost.shown)) {
      return this.send({ type: 'context', id, ok: true, text: '', busy: true });
    }
    this.end(inline ? null : 'dismissed');
    // Inline suggestions only for the editor being typed in; Generate may pick the first one.
    const view = inline ? this.access.find(this.win.document.activeElement) : this.pickView();
    if (!view) {
      this.send({ type: 'context', id, ok: false, text: '' });
      return;
    }
    const { before: text, after, caret, selection } = this.access.textAround(view);
    const renderer = this.access.ghost(view, () => this.accept('all'));
    if (!renderer) return this.send({ type: 'context', id, ok: false, text: '' });
    const mode: EditorMode = renderer.inline ? 'native' : 'overlay';
    this.session = {
      id,
      kind: inline ? 'inline' : 'generate',
      view,
      mode,
      renderer,
      caret,
      ghost: new GhostState(),
      streaming: true,
      seenState: view.state,
      guard: this.guardAt(view, caret),
    };
    if (inline) {
      const line = after.split(/\r?\n/, 1)[0]!.slice(0, MAX_LINE_AFTER);
      this.send({ type: 'context', id, ok: true, text, mode, after: line, selection });
      this.watch();
      return;
    }
    // A Generate click may have moved focus to the button; Tab must reach the editor.
    if (!view.hasFocus) view.focus();
    renderer.show(caret, '', true);
    this.send({ type: 'context', id, ok: true, text, mode });
    this.watch();
  }

  private update(id: string, candidates: string[], streaming: boolean, kind: Session['kind']): void {
    const s = this.session;
    if (!s || s.id !== id || s.kind !== kind) return;
    // A result for text that has changed since it was asked for is never shown.
    if (!this.follow(s)) return;
    s.ghost.setCandidates(candidates);
    s.streaming = streaming;
    // Nothing (more) to show once the run is over: the "…" placeholder goes with it.
    if (!s.ghost.shown && !streaming) return this.end(s.ghost.consumed > 0 ? 'accepted' : 'dismissed');
    if (!s.ghost.shown && kind === 'inline') return;
    s.renderer.show(s.caret, s.ghost.shown, streaming);
    if (kind === 'generate' && !streaming) this.send({ type: 'drawn', id });
  }

  /** Inserts the whole suggestion or its next word through one editor transaction. */
  private accept(what: 'all' | 'word'): void {
    const s = this.session;
    if (!s || !s.ghost.shown) return;
    const { view } = s;
    if (view.state.selection.main.head !== s.caret) return this.end('dismissed');
    const text = what === 'all' ? s.ghost.takeAll() : s.ghost.takeWord();
    const to = this.access.insert(view, s.caret, text);
    s.caret = to;
    s.seenState = view.state;
    s.guard = this.guardAt(view, to);
    // Also stops a still-running generation (the isolated side cancels on "ended").
    if (!s.ghost.shown && (what === 'all' || !s.streaming)) this.end('accepted');
    else s.renderer.show(to, s.ghost.shown, s.streaming);
  }

  private cycle(step: 1 | -1): void {
    const s = this.session;
    if (s?.ghost.cycle(step)) s.renderer.show(s.caret, s.ghost.shown, s.streaming);
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

  /**
   * Brings the session up to date with the editor: typing the characters an
   * inline ghost shows consumes them (the rest stays, at the new caret); any
   * other change of the caret or of the text before it ends the session.
   * Returns false when it ended.
   */
  private follow(s: Session): boolean {
    if (!s.view.dom.isConnected) {
      this.end('dismissed');
      return false;
    }
    const { state } = s.view;
    if (state === s.seenState) return true;
    const { head, empty } = state.selection.main;
    if (head !== s.caret || this.guardAt(s.view, head) !== s.guard) {
      const typed = head > s.caret && empty && this.guardAt(s.view, s.caret) === s.guard ? state.doc.sliceString(s.caret, head) : '';
      if (!(s.kind === 'inline' && s.ghost.type(typed))) {
        this.end('dismissed');
        return false;
      }
      s.caret = head;
      s.guard = this.guardAt(s.view, head);
      if (!s.ghost.shown) {
        this.end('accepted');
        return false;
      }
      s.renderer.show(head, s.ghost.shown, s.streaming);
    }
    s.seenState = state; // e.g. a collaborator's edit further down
    return true;
  }

  private watch(): void {
    if (this.frame) return;
    const tick = () => {
      this.frame = 0;
      const s = this.session;
      if (!s || !this.follow(s)) return;
      s.renderer.reposition();
      this.frame = this.win.requestAnimationFrame(tick);
    };
    this.frame = this.win.requestAnimationFrame(tick);
  }

  /** Keymap entry point for the native extension. */
  onNativeKey(action: NativeKeyAction, view: EditorViewLike): boolean {
    const s = this.session;
    if (!s || s.view !== view) return false;
    // An inline session still being computed shows nothing: its keys are the editor's.
    if (s.kind === 'inline' && !s.ghost.shown) return false;
    this.act(action);
    return true; // While a ghost is shown (even "…"), Tab must not indent.
  }

  onAcceptClick(): void {
    this.accept('all');
  }

  private act(action: NativeKeyAction): void {
    if (action === 'dismiss-consume') this.end('dismissed');
    else if (action === 'next' || action === 'previous') this.cycle(action === 'next' ? 1 : -1);
    else this.accept(action === 'accept' ? 'all' : 'word');
  }

  private onKeyDown(e: KeyboardEvent): void {
    const s = this.session;
    if (!s || s.mode === 'native') return; // native mode: the keymap handles keys, the watcher the rest
    // Catch up first: a character typed just before may not have reached the watcher's frame yet.
    if (!this.follow(s)) return;
    if (s.kind === 'inline' && !s.ghost.shown) return; // nothing shown: no key is ours
    const action = ghostKeyAction(e);
    if (action === 'ignore') return;
    if (action === 'dismiss') {
      // Typing what the ghost shows: the watcher consumes it once the editor has it.
      const typed = typedCharacter(e);
      if (s.kind === 'inline' && typed && s.ghost.shown.startsWith(typed)) return;
      return this.end('dismissed');
    }
    e.preventDefault();
    // Alt+] / Alt+[ must still reach the ISOLATED side's listener on this window: the first cycle
    // over a ghost alone asks it for the alternatives (a trusted key, never a page message).
    if (action === 'next' || action === 'previous') e.stopPropagation();
    else e.stopImmediatePropagation();
    this.act(action);
  }

  private onMouseDown(e: MouseEvent): void {
    if (this.session && !isGhostElement(e.target)) this.end('dismissed');
  }
}
