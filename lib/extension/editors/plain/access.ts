/**
 * The plain kind's side of the editor contract (contract.ts): textareas and
 * contenteditable fields, in the content script's world. Inline suggestions
 * are an overlay over the page (ghost.ts) until accepted; an accept goes in
 * with execCommand('insertText'), one native undo step. The Generate button's
 * completion streams in at the caret as typing would (StreamInserter), one
 * undo step per chunk in Chromium.
 */
import { MAX_PROMPT_CHARS } from '../../protocol';
import { promptTail } from '../../../suggest/prompt-cut';
import type { EditorAccess } from '../contract';
import { editingHost, type Field } from './fields';
import { PlainGhost } from './ghost';
import { StreamInserter, hasSelection, textAroundCaret } from './insertion';

export const plainAccess: EditorAccess<Field> = {
  find: (el) => (el ? editingHost(el) : null),
  textAround(field, maxChars = MAX_PROMPT_CHARS) {
    const { before, after } = textAroundCaret(field);
    return { before: promptTail(before, maxChars), after: after.slice(0, maxChars), caret: before.length, selection: hasSelection(field) };
  },
  ghost: (field, onAccept) => new PlainGhost(field, onAccept),
  insert(field, at, text) {
    new StreamInserter(field).insert(text);
    return at + text.length;
  },
  buttonAnchor: (field) => field,
};
