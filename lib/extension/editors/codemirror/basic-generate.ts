/**
 * Basic-mode generation (see basic-mode.ts): prompt from the DOM caret, the
 * completion inserted once at the end, and only where it was asked for
 * (basic-guard.ts). While it runs, the user's typing or a change of the
 * selection or caret cancels it: they have moved on, and inserting later would
 * land in or over what they are doing. Either way nothing of theirs changes,
 * and they are told why nothing was inserted.
 */
import { startGeneration, type GenerationHandle } from '../../generation-client';
import type { GenerationSource } from '../../protocol';
import { STOPPED_MESSAGE, STOPPED_TYPING_MESSAGE, compareCaret, notInsertedMessage } from './basic-guard';
import { ensureCaretIn, insertAtDomCaret, readCaret, textBeforeDomCaret } from './basic-mode';
import { latexSafeGeneration } from './latex-output';

const NOTHING_TO_ADD_MESSAGE = 'The model had nothing to add here.';
const INSERT_REFUSED_MESSAGE = 'The editor refused the completion; nothing was inserted.';

export function basicModeGenerate(
  content: HTMLElement,
  fieldId: string,
  source: GenerationSource,
  /** `latex`: the editor holds LaTeX, so the completion is made LaTeX-safe first (latex-output.ts). */
  { onFinished, latex = false }: { onFinished(message?: string): void; latex?: boolean },
): GenerationHandle {
  ensureCaretIn(content);
  const doc = content.ownerDocument;
  const recorded = textBeforeDomCaret(content) ?? '';
  const inEditor = (e: Event) => e.composedPath().includes(content);

  // Only trusted events count as the user: a page script cannot type for them.
  // Esc is the one key with nothing else to see: typing fires beforeinput; keys
  // CodeMirror handles itself (no beforeinput) change the text before the
  // caret, and selecting or moving changes the selection, both of which
  // selectionchange sees.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isTrusted && inEditor(e) && e.key === 'Escape') stop(STOPPED_MESSAGE);
  };
  const onBeforeInput = (e: Event) => {
    if (e.isTrusted && inEditor(e)) stop(STOPPED_TYPING_MESSAGE);
  };
  // selectionchange also fires when the editor merely redraws: act on a real change only.
  const onSelectionChange = () => {
    const verdict = compareCaret(recorded, readCaret(content));
    if (verdict !== 'unchanged') stop(notInsertedMessage(verdict));
  };
  const listen = (on: boolean) => {
    const method = on ? 'addEventListener' : 'removeEventListener';
    doc[method]('keydown', onKeyDown as EventListener, true);
    doc[method]('beforeinput', onBeforeInput, true);
    doc[method]('selectionchange', onSelectionChange);
  };

  const generation = startGeneration(
    { fieldId, prompt: recorded, source },
    latexSafeGeneration(recorded, latex, {
      onDone: (result) => {
        listen(false);
        if (!result.text) return onFinished(NOTHING_TO_ADD_MESSAGE);
        const verdict = compareCaret(recorded, readCaret(content));
        if (verdict !== 'unchanged') return onFinished(notInsertedMessage(verdict));
        onFinished(insertAtDomCaret(content, result.text) ? undefined : INSERT_REFUSED_MESSAGE);
      },
      onError: (error) => {
        listen(false);
        onFinished(error.message);
      },
    }),
  );
  listen(true);

  function stop(message: string): void {
    if (!generation.active) return;
    listen(false);
    generation.cancel();
    onFinished(message);
  }

  return {
    cancel() {
      listen(false);
      generation.cancel();
    },
    get active() {
      return generation.active;
    },
  };
}
