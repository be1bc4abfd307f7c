/**
 * When basic mode may insert its completion. It inserts only once the
 * completion is finished, seconds after the request; by then the user may have
 * selected text, moved the caret or typed, and `execCommand('insertText')` at
 * "the caret" would replace their selection or land where they did not ask.
 * The page can also force basic mode (e.g. by racing a forged "no editor"
 * reply), so this has to hold whatever the page does.
 *
 * The text before the caret is recorded at request time. The caret's offset is
 * that text's length, so one string equality checks both the caret and the
 * text before it; an insertion also needs an empty selection.
 */

/** Where the caret is now, as read from the DOM (basic-mode.ts `readCaret`). */
export interface CaretState {
  /** Text before the caret, or null when the caret is not in the editor. */
  before: string | null;
  /** True when nothing is selected. */
  collapsed: boolean;
}

export type CaretVerdict = 'unchanged' | 'selection' | 'moved';

export function compareCaret(recordedBefore: string, now: CaretState): CaretVerdict {
  if (!now.collapsed) return 'selection';
  return now.before === recordedBefore ? 'unchanged' : 'moved';
}

export const STOPPED_MESSAGE = 'Stopped; the completion was not inserted.';
export const STOPPED_TYPING_MESSAGE = 'Stopped because you typed; the completion was not inserted.';

/** Why nothing was inserted; nothing of the user's was changed either. */
export function notInsertedMessage(verdict: Exclude<CaretVerdict, 'unchanged'>): string {
  return verdict === 'selection'
    ? 'Stopped because you selected text; the completion was not inserted and your selection is untouched.'
    : 'Stopped because the caret or the text before it changed; the completion was not inserted.';
}
