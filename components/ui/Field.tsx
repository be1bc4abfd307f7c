/**
 * One setting's frame: its label, a help button that shows the explanation in
 * place (keyboard: Tab to it, Enter or Space), the same text as a bubble on
 * hover, and the validation message. The control itself is the child.
 *
 * The help button is named "Help", not "Help for <label>": the control must be
 * the only element whose accessible name contains its label, so "the field
 * labelled Max new tokens" finds exactly one thing (for people using screen
 * readers and for the e2e tests alike).
 */
import { useState, type ReactNode } from 'react';
import { HelpIcon } from './icons';

export interface FieldProps {
  /** The control's id; the label points at it when `labelFor` is set. */
  id: string;
  label: string;
  help: string;
  error?: string;
  /** False for controls that are not labelable elements (a slider thumb names itself). */
  labelFor?: boolean;
  /** Puts the control on the label row (switches). */
  inline?: boolean;
  children: (ids: { describedBy: string }) => ReactNode;
}

export function Field({ id, label, help, error, labelFor = true, inline = false, children }: FieldProps) {
  const [open, setOpen] = useState(false);
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [helpId, error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={inline ? 'field inline' : 'field'} data-help-open={open || undefined} data-invalid={error ? true : undefined}>
      <div className="field-head">
        {labelFor ? (
          <label htmlFor={id}>
            {label}
          </label>
        ) : (
          <span className="label">
            {label}
          </span>
        )}
        <button type="button" className="info" aria-label="Help" aria-expanded={open} aria-controls={helpId} onClick={() => setOpen((o) => !o)}>
          <HelpIcon />
        </button>
        <span className="tip" aria-hidden="true">
          {help}
        </span>
        {inline && children({ describedBy })}
      </div>
      {!inline && children({ describedBy })}
      {/* Always in the DOM so aria-describedby reads it; shown when the help button is pressed. */}
      <p id={helpId} className="help" data-visible={open || undefined}>
        {help}
      </p>
      {error && (
        <p id={errorId} className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
