/**
 * The generic content script's behaviour: tracks the focused field, shows the
 * button, runs one generation at a time in this frame, and ends it cleanly
 * on Stop, Esc, typing, any other edit of the field by the user (paste,
 * drop, dictation), done, error or a killed service worker. Text already
 * inserted always stays.
 */
import { doneMessage, startGeneration, warmEngine, type GenerationHandle } from '../../generation-client';
import { EMPTY_PROMPT_MESSAGE, type GenerationSource } from '../../protocol';
import { plainAccess } from './access';
import { fieldFromEvent, fieldId, focusedField, type Field } from './fields';
import { GenerateButton } from './generate-button';
import { PlainInline } from './inline';
import { StreamInserter, collapseSelectionToEnd } from './insertion';

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'Fn', 'AltGraph']);
const WARM_INTERVAL_MS = 60_000;

interface Running {
  field: Field;
  handle: GenerationHandle;
  inserter: StreamInserter;
}

function userEditMessage(inputType: string): string {
  if (inputType.startsWith('insertFromPaste')) return 'Stopped: you pasted.';
  if (inputType === 'insertFromDrop') return 'Stopped: you dropped text.';
  return 'Stopped: you edited the text.';
}

export class GenericController {
  private readonly ui: GenerateButton;
  readonly inline: PlainInline;
  private field: Field | null = null;
  private contextField: Field | null = null;
  private running: Running | null = null;
  private lastWarm = 0;

  constructor(private readonly doc: Document) {
    this.ui = new GenerateButton(doc, { onActivate: () => this.toggle(this.field, 'button') });
    this.inline = new PlainInline(doc, () => this.generating);
    doc.addEventListener('focusin', (e) => this.onFocusIn(e), true);
    doc.addEventListener('focusout', () => setTimeout(() => this.onFocusOut(), 0), true);
    doc.addEventListener('keydown', (e) => this.onKeyDown(e), true);
    doc.addEventListener('beforeinput', (e) => this.onBeforeInput(e), true);
    doc.addEventListener('contextmenu', (e) => (this.contextField = fieldFromEvent(e)), true);
    const current = focusedField(doc);
    if (current) this.attach(current);
  }

  get generating(): boolean {
    return this.running !== null;
  }

  /** From the background: context menu or keyboard command. Returns false when there is no field here. */
  trigger(source: 'context-menu' | 'command'): boolean {
    const field = source === 'context-menu' ? (this.contextField ?? focusedField(this.doc)) : this.doc.hasFocus() ? focusedField(this.doc) : null;
    if (!field) return false;
    this.attach(field);
    if (source === 'context-menu') field.focus();
    this.toggle(field, source);
    return true;
  }

  private onFocusIn(event: FocusEvent): void {
    const field = fieldFromEvent(event);
    if (field) this.attach(field);
  }

  private onFocusOut(): void {
    if (this.running || this.ui.hasFocus()) return;
    const active = focusedField(this.doc);
    if (active) this.attach(active);
    else this.ui.hide();
  }

  private attach(field: Field): void {
    this.field = field;
    this.ui.showFor(plainAccess.buttonAnchor(field));
    if (Date.now() - this.lastWarm > WARM_INTERVAL_MS) {
      this.lastWarm = Date.now();
      void warmEngine();
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (!this.running || !event.isTrusted) return;
    const inField = event.composedPath().includes(this.running.field);
    if (event.key === 'Escape' && (inField || this.ui.hasFocus())) {
      event.preventDefault();
      event.stopPropagation();
      this.stop('Stopped.');
      return;
    }
    // Typing in the field takes over: stop before the key's own input lands.
    if (inField && !MODIFIER_KEYS.has(event.key)) this.stop('Stopped: you typed.');
  }

  /**
   * A paste, drop or dictation has no keydown; without this its text and the
   * stream's would interleave. Stopping here, before the edit lands, leaves
   * the user's text whole right after what was streamed so far.
   */
  private onBeforeInput(event: InputEvent): void {
    const run = this.running;
    // Our own execCommand, or a page script's synthetic event: not the user.
    if (!run || !event.isTrusted || run.inserter.inserting) return;
    if (event.composedPath().includes(run.field)) this.stop(userEditMessage(event.inputType));
  }

  private toggle(field: Field | null, source: GenerationSource): void {
    if (this.running) {
      this.stop('Stopped.');
      return;
    }
    if (!field || !plainAccess.find(field)) {
      this.ui.say('Click into a text field first.');
      return;
    }
    this.start(field, source);
  }

  private start(field: Field, source: GenerationSource): void {
    // A Generate replaces any suggestion on screen.
    this.inline.scheduler.cancel();
    this.inline.clear();
    collapseSelectionToEnd(field);
    const prompt = plainAccess.textAround(field).before;
    if (!prompt.trim()) {
      this.ui.say(EMPTY_PROMPT_MESSAGE);
      return;
    }
    const inserter = new StreamInserter(field);
    let inserted = 0;
    this.ui.setGenerating(true);
    this.ui.say('Generating…', 0);
    const handle = startGeneration(
      { fieldId: fieldId(field), prompt, source },
      {
        onLoading: () => this.ui.say('Loading the model…', 0),
        onDelta: (text) => {
          if (inserted === 0) this.ui.say('Generating… (Esc to stop)', 0);
          inserter.insert(text);
          inserted += text.length;
        },
        onDone: (result) => {
          this.finish();
          this.ui.host.dataset.lastTokens = String(result.tokens);
          this.ui.host.dataset.lastStopReason = result.stopReason;
          // A setting the model could not honour is named, so the user can fix it.
          this.ui.say(doneMessage(result), result.adjustments?.length ? 8000 : 3000);
        },
        onError: (error) => {
          this.finish();
          this.ui.host.dataset.lastError = error.code;
          this.ui.say(error.message, 8000);
        },
      },
    );
    this.running = { field, handle, inserter };
  }

  private stop(message: string): void {
    if (!this.running) return;
    this.running.handle.cancel();
    this.finish();
    this.ui.host.dataset.lastStopReason = 'cancelled';
    this.ui.say(message, 2500);
  }

  private finish(): void {
    this.running = null;
    this.ui.setGenerating(false);
  }
}
