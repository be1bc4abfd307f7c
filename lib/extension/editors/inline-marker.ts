/**
 * Where the last inline-suggestion decision for an editor can be read, as an
 * attribute on the editor (`.cm-editor`, or the field itself):
 * `typing` (waiting for the pause), `asked`, `shown`, `nothing` (the model was
 * not confident), `off` (switched off here), or the trigger rule that said no
 * (`mid-line`, `key-braces`, `comment`, …). For people debugging a page and
 * for the e2e tests, which wait on it instead of on time.
 */
export const INLINE_STATE_ATTR = 'data-abstract-autocomplete-inline';

export function markInline(target: EventTarget | Element | null, state: string): void {
  if (!(target instanceof Element)) return;
  const holder = target.closest('.cm-editor') ?? target;
  holder.setAttribute(INLINE_STATE_ATTR, state);
}
