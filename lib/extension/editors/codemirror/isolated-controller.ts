/**
 * ISOLATED-world side of the codemirror kind (and of Overleaf, built on it): the only part that talks to the
 * extension. A generation starts only from a trusted user action (the
 * Generate button, or the keyboard command relayed by the background); the
 * MAIN world is asked for the text before the caret and sent the completion
 * to show as ghost text. See bridge.ts for the trust reasoning.
 */
import { doneMessage, startGeneration, startSuggestion, warmEngine, type GenerationHandle } from '../../generation-client';
import { loadInlineSettings, watchInlineSettings } from '../../inline-settings-store';
import { triggerVerdict } from '../../../suggest/trigger';
import { markInline } from '../inline-marker';
import { InlineScheduler } from '../inline-scheduler';
import { ghostKeyAction, inlineKeyIsAskNow } from './keys';
import { basicModeGenerate } from './basic-generate';
import { IsolatedGate, newChannel, newRequestId, toMainMessage, type ToIsolatedMessage, type ToMainBody } from './bridge';
import { EMPTY_PROMPT_MESSAGE, type GenerationSource } from '../../protocol';
import { EditorUi } from './ui';
import { isLatexEditor, latexSafeGeneration, latexSafeSuggestion } from './latex-output';
import { traceMark } from '../../trace';

/** What differs between kinds built on this controller. */
export interface CodeMirrorKindConfig {
  /** Marker on editor containers (kinds.ts OWNED_EDITOR_SELECTOR). */
  kind: 'codemirror' | 'overleaf';
  /** Field id for the background's "one generation per field" rule. */
  fieldId: string;
  source: GenerationSource;
  /** Shown once when the EditorView cannot be reached. */
  basicModeNotice: string;
}
/** How long to wait for the MAIN world to answer before using basic mode. */
const CONTEXT_TIMEOUT_MS = 1500;
const WARM_INTERVAL_MS = 60_000;

/** The inline suggestion this frame has asked for or shows. */
interface InlineRequest {
  id: string;
  handle: GenerationHandle | null;
  /** The final candidates are on screen: typing through them is the MAIN side's business. */
  shown: boolean;
  /** The text before the caret the ghost was asked for (the alternatives are asked for the same). */
  text: string;
  /** The alternatives for cycling have been asked for (once, on the first Alt+] / Alt+[). */
  alternatives: boolean;
}

export class IsolatedController {
  private readonly gate = new IsolatedGate(newChannel());
  private generation: GenerationHandle | null = null;
  private contextTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeShown = false;
  private container: HTMLElement | null = null;
  private inline: InlineRequest | null = null;
  private lastWarm = 0;
  readonly ui: EditorUi;
  /**
   * Inline suggestions start only from what this script sees itself: trusted
   * key presses in an editor (a page cannot forge `isTrusted`), so the bridge
   * rule "no message starts the model" still holds.
   */
  readonly scheduler: InlineScheduler;

  constructor(
    private readonly win: Window,
    private readonly config: CodeMirrorKindConfig,
  ) {
    this.ui = new EditorUi(win.document, config.kind, (container) => this.generate(container));
    this.scheduler = new InlineScheduler(win.location.origin, {
      fire: () => this.askInline(),
      cancel: () => {
        if (!this.inline?.shown) this.clearInline();
      },
      off: () => this.clearInline(),
    });
  }

  start(): void {
    this.win.addEventListener('message', (e) => {
      if (e.source !== this.win) return;
      const msg = this.gate.admit(e.data);
      if (msg) this.onMessage(msg);
    });
    this.send({ type: 'hello' });
    this.ui.watch();
    this.win.addEventListener('keydown', (e) => this.onKeyDown(e), true);
    this.win.addEventListener('mousedown', (e) => e.isTrusted && this.scheduler.cancel(), true);
    try {
      void loadInlineSettings().then((settings) => this.scheduler.use(settings), () => undefined);
      watchInlineSettings((settings) => this.scheduler.use(settings));
    } catch {
      // Extension context gone (reloaded extension): inline stays off on this page.
    }
  }

  /** The editor the user is in (focused) or the first one, for the keyboard command. */
  focusedEditor(): HTMLElement | null {
    const active = this.win.document.activeElement;
    const content = active?.closest('.cm-content') ?? null;
    return content ? EditorUi.containerOf(content) : null;
  }

  /** Starts a generation at the caret of `container`'s editor. Call only for trusted user actions. */
  generate(container: HTMLElement | null): void {
    this.scheduler.cancel();
    this.clearInline();
    this.stop();
    // Busy from the user's request on, not from the first reply: until the run is over and its
    // last words are drawn (or its ghost is gone), the control must not read as idle.
    this.ui.setBusy(true);
    this.container = container;
    // The MAIN side acts on the focused editor; with several (one per notebook
    // cell), a click on another editor's button means that editor.
    const content = container?.querySelector<HTMLElement>('.cm-content');
    if (content && !content.contains(this.win.document.activeElement)) content.focus();
    const id = newRequestId();
    this.gate.expectContext(id);
    this.send({ type: 'context-request', id });
    // No answer: the MAIN script did not run (or broke). Fall back rather than do nothing.
    this.contextTimer = setTimeout(() => {
      if (this.gate.live !== id) return;
      this.endSession(id);
      this.basicMode();
    }, CONTEXT_TIMEOUT_MS);
  }

  private send(body: ToMainBody): void {
    this.win.postMessage(toMainMessage(this.gate.channel, body), this.win.location.origin);
  }

  private onMessage(msg: ToIsolatedMessage): void {
    switch (msg.type) {
      case 'main-ready':
        // The MAIN script started after our hello (script order is not guaranteed).
        return this.send({ type: 'hello' });
      case 'context':
        if (msg.id === this.inline?.id) return this.suggestFor(msg);
        clearTimeout(this.contextTimer);
        if (!msg.ok) {
          // A page can forge this reply. Basic mode must then not be cancelled by a
          // ghost session the MAIN side may still have opened for this id.
          this.endSession(msg.id);
          return this.basicMode();
        }
        return this.run(msg.id, msg.text);
      case 'drawn':
        // The final completion is on screen (the gate admits only the live session's id).
        if (!this.generation) this.ui.setBusy(false);
        return;
      case 'ended':
        if (msg.id === this.inline?.id) {
          this.inline.handle?.cancel();
          this.inline = null;
          this.gate.endSession(msg.id);
          // Accepted (Tab, or typed to its end): the next suggestion follows the next pause.
          if (msg.reason === 'accepted') this.scheduler.keystroke();
          return;
        }
        // Accepted in full or dismissed: stop the model if it is still writing.
        this.gate.endSession(msg.id);
        this.generation?.cancel();
        this.generation = null;
        this.ui.setBusy(false);
        return;
    }
  }

  private run(id: string, prompt: string): void {
    let text = '';
    const fail = (message: string) => {
      this.ui.setBusy(false);
      this.ui.status(this.container, message);
      this.endSession(id);
    };
    if (!prompt.trim()) return fail(EMPTY_PROMPT_MESSAGE);
    this.ui.setBusy(true);
    this.generation = startGeneration(
      { fieldId: this.config.fieldId, prompt, source: this.config.source },
      latexSafeGeneration(prompt, this.latex(this.container), {
        onLoading: () => this.ui.status(this.container, 'Loading the model…', 0),
        onDelta: (delta) => {
          this.ui.status(this.container, '');
          text += delta;
          this.send({ type: 'ghost', id, text, streaming: true });
        },
        onDone: (result) => {
          const final = text || result.text;
          // The MAIN side answers `drawn` once this is on screen (then the control turns idle), or
          // `ended` when there is nothing to show: the "…" placeholder never outlives the run.
          this.send({ type: 'ghost', id, text: final, streaming: false });
          this.generation = null;
          // Silent when all went as set; an empty completion, or a setting the model could not honour, is named.
          const note = !final || result.adjustments?.length;
          this.ui.status(this.container, note ? doneMessage({ ...result, text: final }) : '');
        },
        onError: (error) => {
          this.generation = null;
          fail(error.message);
        },
      }),
    );
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (!e.isTrusted || !(e.target instanceof Element) || !e.target.closest('.cm-content')) return;
    if (inlineKeyIsAskNow(e)) {
      if (!this.scheduler.enabled) return;
      e.preventDefault();
      this.scheduler.now();
      return;
    }
    const action = ghostKeyAction(e);
    if (action === 'ignore') return;
    // Keys that act on a shown ghost (the MAIN side handles them) ask for nothing new,
    // except the first cycle: the pause brought the ghost alone.
    if (this.inline?.shown && action !== 'dismiss') {
      if (action === 'next' || action === 'previous') this.askAlternatives(this.inline);
      return;
    }
    if (action === 'dismiss-consume') return this.scheduler.cancel();
    if (!this.scheduler.enabled) return markInline(e.target, 'off');
    markInline(e.target, 'typing');
    if (this.scheduler.enabled && Date.now() - this.lastWarm > WARM_INTERVAL_MS) {
      this.lastWarm = Date.now();
      void warmEngine();
    }
    this.scheduler.keystroke();
  }

  /** The pause is over: ask the MAIN side for the text around the caret. */
  private askInline(): void {
    // Not while a Generate is asked for, running or shown, nor over a shown suggestion.
    if (this.generation || this.inline?.shown || (this.gate.live !== null && this.gate.live !== this.inline?.id)) return;
    this.clearInline();
    const id = newRequestId();
    this.gate.expectContext(id);
    this.inline = { id, handle: null, shown: false, text: '', alternatives: false };
    traceMark('ask', 'isolated');
    this.send({ type: 'context-request', id, inline: true });
  }

  private suggestFor(msg: Extract<ToIsolatedMessage, { type: 'context' }>): void {
    const request = this.inline!;
    if (!msg.ok || msg.busy) {
      this.gate.endSession(msg.id);
      this.inline = null;
      return;
    }
    const editor = this.win.document.activeElement;
    const verdict = triggerVerdict({ before: msg.text, after: msg.after ?? '', selection: msg.selection });
    if (!verdict.ok) {
      markInline(editor, verdict.reason);
      return this.clearInline();
    }
    markInline(editor, 'asked');
    request.text = msg.text;
    const { id } = request;
    const live = () => this.inline === request;
    traceMark('context', 'isolated');
    request.handle = startSuggestion(msg.text, latexSafeSuggestion(msg.text, this.latex(editor), {
      // Asked a little before the pause ends (InlineScheduler): what comes before then waits for it.
      onGhost: (text) => {
        traceMark('received', 'isolated');
        if (!live()) return;
        this.scheduler.onAnswer(() => {
          if (!live()) return;
          traceMark('released', 'isolated');
          this.send({ type: 'suggestions', id, candidates: [text], streaming: true });
        });
      },
      onDone: (candidates) => {
        if (!live()) return;
        this.scheduler.onAnswer(() => {
          if (!live()) return;
          markInline(editor, candidates.length === 0 ? 'nothing' : 'shown');
          if (candidates.length === 0) return this.clearInline();
          request.shown = true;
          this.send({ type: 'suggestions', id, candidates: candidates.map((c) => c.text), streaming: false });
        });
      },
      onError: () => {
        if (live()) this.clearInline();
      },
    }), false, msg.after);
  }

  /**
   * The candidates to cycle to, for the text of the ghost on screen: the MAIN
   * side keeps the ghost meanwhile and does the pending cycle when they come.
   */
  private askAlternatives(request: InlineRequest): void {
    if (request.alternatives || this.scheduler.current.candidates < 2) return;
    request.alternatives = true;
    const { id } = request;
    const live = () => this.inline === request;
    request.handle = startSuggestion(
      request.text,
      latexSafeSuggestion(request.text, this.latex(this.win.document.activeElement), {
        onDone: (candidates) => {
          if (live() && candidates.length > 0) this.send({ type: 'suggestions', id, candidates: candidates.map((c) => c.text), streaming: false });
        },
      }),
      true,
    );
  }

  /** Whether the editor of `el` (or that contains it) holds LaTeX: what the model writes is made LaTeX-safe there. */
  private latex(el: Element | null | undefined): boolean {
    return isLatexEditor(el?.closest('.cm-content') ?? el?.querySelector('.cm-content'), this.config.kind);
  }

  /** Stops the inline request and removes its ghost, shown or not. */
  private clearInline(): void {
    const request = this.inline;
    if (!request) return;
    this.inline = null;
    request.handle?.cancel();
    this.endSession(request.id);
  }

  private stop(): void {
    clearTimeout(this.contextTimer);
    const live = this.gate.live;
    if (live) this.endSession(live);
    this.generation?.cancel();
    this.generation = null;
    this.ui.setBusy(false);
  }

  /** Removes session `id`'s ghost and stops listening to it. */
  private endSession(id: string): void {
    this.send({ type: 'dismiss', id });
    this.gate.endSession(id);
  }

  private basicMode(): void {
    const container = this.container ?? this.focusedEditor();
    const content = container?.querySelector<HTMLElement>('.cm-content') ?? this.win.document.querySelector<HTMLElement>('.cm-content');
    if (!this.noticeShown) {
      this.noticeShown = true;
      this.ui.status(EditorUi.containerOf(content ?? this.win.document.body), this.config.basicModeNotice, 12_000);
      console.warn(`[Abstract Autocomplete] ${this.config.basicModeNotice}`);
    }
    if (!content) return this.ui.setBusy(false);
    this.ui.setBusy(true);
    this.generation = basicModeGenerate(content, this.config.fieldId, this.config.source, {
      latex: this.latex(content),
      onFinished: (message) => {
        this.generation = null;
        this.ui.setBusy(false);
        if (message) this.ui.status(EditorUi.containerOf(content), message, 10_000);
      },
    });
  }
}
