/**
 * Inline suggestions in plain fields (textarea, contenteditable), driven only
 * through the plain kind's editor access: after a typing pause (InlineScheduler)
 * the text around the caret is checked against the trigger rules, a suggestion
 * is asked for, and it is shown as an overlay (ghost.ts) only if the field
 * still holds exactly the text it was asked for. Keys while a ghost is shown:
 * Tab, Ctrl+→ (⌥→ on macOS), Esc, Alt+] / Alt+[ (the pause brings the ghost
 * alone; the first cycle asks for the alternatives, the ghost staying on
 * screen until they come); Alt+\ asks now. Typing the
 * characters the ghost shows consumes them; anything else removes it.
 * Accepting inserts with execCommand('insertText'): one native undo step.
 */
import { startSuggestion, type GenerationHandle } from '../../generation-client';
import { loadInlineSettings, watchInlineSettings } from '../../inline-settings-store';
import { triggerVerdict } from '../../../suggest/trigger';
import { ghostKeyAction, inlineKeyIsAskNow, typedCharacter } from '../codemirror/keys';
import type { GhostRenderer } from '../contract';
import { GhostState } from '../ghost-state';
import { markInline } from '../inline-marker';
import { InlineScheduler } from '../inline-scheduler';
import { plainAccess } from './access';
import { fieldFromEvent, focusedField, type Field } from './fields';

/**
 * The text before the caret as the model and the ghost see it. A
 * contenteditable keeps a typed trailing space as U+00A0 until the next
 * character turns it back into a space; both mean a space here.
 */
const textBefore = (field: Field) => plainAccess.textAround(field).before.replace(/\u00a0/g, ' ');

interface Shown {
  field: Field;
  renderer: GhostRenderer;
  ghost: GhostState;
  /** The text before the caret the ghost belongs to. */
  before: string;
  /** The text the ghost was asked for (the alternatives are asked for the same). */
  asked: string;
  /** The alternatives for cycling have been asked for. */
  alternatives: boolean;
  streaming: boolean;
  frame: number;
}

export class PlainInline {
  readonly scheduler: InlineScheduler;
  private request: GenerationHandle | null = null;
  private shown: Shown | null = null;
  /** True while our own accept is being inserted (its input event is not the user's). */
  private accepting = false;

  constructor(
    private readonly doc: Document,
    /** True while the Generate button's stream runs: no suggestions then. */
    private readonly busy: () => boolean,
  ) {
    this.scheduler = new InlineScheduler(doc.defaultView?.location.origin ?? '', {
      fire: () => this.ask(),
      cancel: () => this.cancelRequest(),
      off: () => this.clear(),
    });
    doc.addEventListener('keydown', (e) => this.onKeyDown(e), true);
    doc.addEventListener('input', (e) => this.onInput(e), true);
    doc.addEventListener('mousedown', (e) => {
      if (!e.isTrusted || (e.target instanceof Element && e.target.closest('abstract-autocomplete-ghost'))) return;
      this.scheduler.cancel();
      this.clear();
    }, true);
    doc.addEventListener('focusout', () => {
      this.scheduler.cancel();
      this.clear();
    }, true);
    try {
      void loadInlineSettings().then((settings) => this.scheduler.use(settings), () => undefined);
      watchInlineSettings((settings) => this.scheduler.use(settings));
    } catch {
      // Extension context gone (reloaded extension): inline stays off on this page.
    }
  }

  /** Removes the ghost (a Generate started, the switch went off, the user moved away). */
  clear(): void {
    this.cancelRequest();
    const shown = this.shown;
    if (!shown) return;
    this.shown = null;
    cancelAnimationFrame(shown.frame);
    shown.renderer.clear();
  }

  private cancelRequest(): void {
    this.request?.cancel();
    this.request = null;
    // A ghost still streaming belongs to the text before this keystroke.
    if (this.shown?.streaming) this.clear();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (!e.isTrusted) return;
    const field = fieldFromEvent(e);
    if (!field) return;
    if (inlineKeyIsAskNow(e)) {
      if (!this.scheduler.enabled) return markInline(field, 'off');
      e.preventDefault();
      this.clear();
      this.scheduler.now();
      return;
    }
    const action = ghostKeyAction(e);
    if (action === 'ignore') return;
    const shown = this.shown?.field === field && !this.shown.streaming ? this.shown : null;
    if (shown && action !== 'dismiss') {
      e.preventDefault();
      e.stopImmediatePropagation();
      if (action === 'dismiss-consume') return this.clear();
      if (action === 'next' || action === 'previous') {
        if (shown.ghost.cycle(action === 'next' ? 1 : -1)) this.draw(shown);
        else this.askAlternatives(shown);
        return;
      }
      return this.accept(shown, action === 'accept' ? 'all' : 'word');
    }
    if (action === 'dismiss-consume') {
      this.scheduler.cancel();
      return this.clear();
    }
    const typed = typedCharacter(e);
    // Typing what the ghost shows: the input event consumes it; nothing new is asked for.
    if (shown && typed && shown.ghost.shown.startsWith(typed)) return;
    this.clear();
    if (!this.scheduler.enabled) return markInline(field, 'off');
    markInline(field, 'typing');
    this.scheduler.keystroke();
  }

  private onInput(e: Event): void {
    const shown = this.shown;
    if (!shown || this.accepting || !e.isTrusted || !e.composedPath().includes(shown.field)) return;
    const before = textBefore(shown.field);
    if (before.startsWith(shown.before) && shown.ghost.type(before.slice(shown.before.length))) {
      shown.before = before;
      if (!shown.ghost.shown) {
        this.clear();
        this.scheduler.keystroke();
      } else this.draw(shown);
      return;
    }
    this.clear();
    this.scheduler.keystroke();
  }

  private ask(): void {
    const field = focusedField(this.doc);
    if (!field || this.busy() || this.shown) return;
    const around = { ...plainAccess.textAround(field), before: textBefore(field) };
    const verdict = triggerVerdict(around);
    if (!verdict.ok) return markInline(field, verdict.reason);
    markInline(field, 'asked');
    const still = () => focusedField(this.doc) === field && !plainAccess.textAround(field).selection && textBefore(field) === around.before;
    const show = (candidates: string[], streaming: boolean) => {
      // A result for text that has changed is never shown.
      if (!still()) return this.clear();
      if (!this.shown) {
        const renderer = plainAccess.ghost(field, () => this.shown && this.accept(this.shown, 'all'));
        if (!renderer) return;
        this.shown = { field, renderer, ghost: new GhostState(), before: around.before, asked: around.before, alternatives: false, streaming, frame: 0 };
        this.follow();
      }
      this.shown.streaming = streaming;
      this.shown.ghost.setCandidates(candidates);
      if (this.shown.ghost.shown) this.draw(this.shown);
      else if (!streaming) this.clear();
    };
    // Asked a little before the pause ends (InlineScheduler): what comes before then waits for it.
    const handle = startSuggestion(around.before, {
      onGhost: (text) => {
        if (this.request !== handle) return;
        this.scheduler.onAnswer(() => this.request === handle && show([text], true));
      },
      onDone: (candidates) => {
        if (this.request !== handle) return;
        this.request = null;
        this.scheduler.onAnswer(() => {
          markInline(field, candidates.length === 0 ? 'nothing' : 'shown');
          show(candidates.map((c) => c.text), false);
        });
      },
      onError: () => {
        if (this.request === handle) this.request = null;
      },
    }, false, around.after);
    this.request = handle;
  }

  /** The candidates to cycle to; GhostState does the pending cycle when they come. */
  private askAlternatives(shown: Shown): void {
    if (shown.alternatives || this.scheduler.current.candidates < 2) return;
    shown.alternatives = true;
    const handle = startSuggestion(
      shown.asked,
      {
        onDone: (candidates) => {
          if (this.request !== handle) return;
          this.request = null;
          if (this.shown !== shown || candidates.length === 0) return;
          shown.ghost.setCandidates(candidates.map((c) => c.text));
          if (shown.ghost.shown) this.draw(shown);
        },
        onError: () => {
          if (this.request === handle) this.request = null;
        },
      },
      true,
    );
    this.request = handle;
  }

  private accept(shown: Shown, what: 'all' | 'word'): void {
    const text = what === 'all' ? shown.ghost.takeAll() : shown.ghost.takeWord();
    const { caret } = plainAccess.textAround(shown.field);
    this.accepting = true;
    try {
      plainAccess.insert(shown.field, caret, text);
    } finally {
      this.accepting = false;
    }
    shown.before = textBefore(shown.field);
    if (shown.ghost.shown) return this.draw(shown);
    this.clear();
    // Accepted: the next suggestion follows the next pause.
    this.scheduler.keystroke();
  }

  private draw(shown: Shown): void {
    shown.renderer.show(0, shown.ghost.shown, shown.streaming);
  }

  /** Keeps the overlay on the caret while the page scrolls, resizes or reflows. */
  private follow(): void {
    const tick = () => {
      const shown = this.shown;
      if (!shown) return;
      if (!shown.field.isConnected) return this.clear();
      shown.renderer.reposition();
      shown.frame = requestAnimationFrame(tick);
    };
    if (this.shown) this.shown.frame = requestAnimationFrame(tick);
  }
}
