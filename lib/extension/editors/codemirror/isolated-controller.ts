/**
 * ISOLATED-world side of the codemirror kind (and of Overleaf, built on it): the only part that talks to the
 * extension. A generation starts only from a trusted user action (the
 * Generate button, or the keyboard command relayed by the background); the
 * MAIN world is asked for the text before the caret and sent the completion
 * to show as ghost text. See bridge.ts for the trust reasoning.
 */
import { doneMessage, startGeneration, type GenerationHandle } from '../../generation-client';
import { basicModeGenerate } from './basic-generate';
import { IsolatedGate, newChannel, newRequestId, toMainMessage, type ToIsolatedMessage, type ToMainBody } from './bridge';
import { EMPTY_PROMPT_MESSAGE, type GenerationSource } from '../../protocol';
import { EditorUi } from './ui';

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

export class IsolatedController {
  private readonly gate = new IsolatedGate(newChannel());
  private generation: GenerationHandle | null = null;
  private contextTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeShown = false;
  private container: HTMLElement | null = null;
  readonly ui: EditorUi;

  constructor(
    private readonly win: Window,
    private readonly config: CodeMirrorKindConfig,
  ) {
    this.ui = new EditorUi(win.document, config.kind, (container) => this.generate(container));
  }

  start(): void {
    this.win.addEventListener('message', (e) => {
      if (e.source !== this.win) return;
      const msg = this.gate.admit(e.data);
      if (msg) this.onMessage(msg);
    });
    this.send({ type: 'hello' });
    this.ui.watch();
  }

  /** The editor the user is in (focused) or the first one, for the keyboard command. */
  focusedEditor(): HTMLElement | null {
    const active = this.win.document.activeElement;
    const content = active?.closest('.cm-content') ?? null;
    return content ? EditorUi.containerOf(content) : null;
  }

  /** Starts a generation at the caret of `container`'s editor. Call only for trusted user actions. */
  generate(container: HTMLElement | null): void {
    this.stop();
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
        clearTimeout(this.contextTimer);
        if (!msg.ok) {
          // A page can forge this reply. Basic mode must then not be cancelled by a
          // ghost session the MAIN side may still have opened for this id.
          this.endSession(msg.id);
          return this.basicMode();
        }
        return this.run(msg.id, msg.text);
      case 'ended':
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
      {
        onLoading: () => this.ui.status(this.container, 'Loading the model…', 0),
        onDelta: (delta) => {
          this.ui.status(this.container, '');
          text += delta;
          this.send({ type: 'ghost', id, text, streaming: true });
        },
        onDone: (result) => {
          this.send({ type: 'ghost', id, text: text || result.text, streaming: false });
          this.ui.setBusy(false);
          // Silent when all went as set; a setting the model could not honour is named.
          this.ui.status(this.container, result.adjustments?.length ? doneMessage(result) : '');
          this.generation = null;
        },
        onError: (error) => {
          this.generation = null;
          fail(error.message);
        },
      },
    );
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
    if (!content) return;
    this.ui.setBusy(true);
    this.generation = basicModeGenerate(content, this.config.fieldId, this.config.source, {
      onFinished: (message) => {
        this.generation = null;
        this.ui.setBusy(false);
        if (message) this.ui.status(EditorUi.containerOf(content), message, 10_000);
      },
    });
  }
}
