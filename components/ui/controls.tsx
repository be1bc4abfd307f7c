/**
 * The popup's controls, styled in entrypoints/popup/style.css:
 * - Stepper: a number field (type any value; ArrowUp/ArrowDown step it) with
 *   − and + buttons for the mouse. The buttons are out of the tab order and
 *   hidden from screen readers because the field itself already steps.
 * - SliderWithBox: a Radix slider (arrows, Page Up/Down, Home/End, Shift for
 *   big steps; its value spoken in words through aria-valuetext) beside a
 *   number field for typing an exact value.
 * - Switch: a native checkbox with role="switch".
 * Neither control clamps what is typed: the caller validates and names the limit.
 */
import * as Slider from '@radix-ui/react-slider';
import type { InputHTMLAttributes } from 'react';
import { stepValue, type Bounds } from '../field-specs';
import { MinusIcon, PlusIcon } from './icons';

interface NumberProps {
  id: string;
  /** The text in the field (kept as typed, so "0." or "" can be edited). */
  text: string;
  bounds: Bounds;
  unit?: string;
  invalid?: boolean;
  describedBy?: string;
  onText: (text: string) => void;
  /** For fields without a visible <label for>. */
  ariaLabel?: string;
  name?: string;
}

function NumberBox({ id, text, bounds, invalid, describedBy, onText, ariaLabel, name }: NumberProps) {
  return (
    <input
      id={id}
      name={name}
      type="number"
      inputMode="decimal"
      min={bounds.min}
      max={bounds.max}
      step={bounds.step}
      value={text}
      aria-label={ariaLabel}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      onChange={(e) => onText(e.target.value)}
    />
  );
}

export function Stepper(props: NumberProps) {
  const step = (direction: 1 | -1) => props.onText(String(stepValue(Number(props.text === '' ? Number.NaN : props.text), direction, props.bounds)));
  return (
    <div className="stepper" data-invalid={props.invalid || undefined}>
      {/* mousedown is cancelled so the focus (and the caret) stays in the field. */}
      <button type="button" tabIndex={-1} aria-hidden="true" onMouseDown={(e) => e.preventDefault()} onClick={() => step(-1)}>
        <MinusIcon />
      </button>
      <NumberBox {...props} />
      <button type="button" tabIndex={-1} aria-hidden="true" onMouseDown={(e) => e.preventDefault()} onClick={() => step(1)}>
        <PlusIcon />
      </button>
      {/* Always there, so steppers line up whether or not they have a unit. */}
      <span className="unit">{props.unit}</span>
    </div>
  );
}

interface SliderProps extends NumberProps {
  /** The slider's position (the last valid value). */
  value: number;
  /** Spoken value, e.g. "Balanced: at least 40% sure". */
  valueText: string;
  sliderLabel: string;
  /** Right means less (for "how eager": further right = lower confidence cut). */
  inverted?: boolean;
  onSlide: (value: number) => void;
}

export function SliderWithBox({ value, valueText, sliderLabel, inverted, onSlide, ...box }: SliderProps) {
  return (
    <div className="slider-row">
      <Slider.Root
        className="slider"
        value={[value]}
        min={box.bounds.min}
        max={box.bounds.max}
        step={box.bounds.step}
        inverted={inverted}
        onValueChange={([v]) => v !== undefined && onSlide(v)}
      >
        <Slider.Track className="slider-track">
          <Slider.Range className="slider-range" />
        </Slider.Track>
        <Slider.Thumb className="slider-thumb" aria-label={sliderLabel} aria-valuetext={valueText} aria-describedby={box.describedBy} />
      </Slider.Root>
      <div className="stepper compact" data-invalid={box.invalid || undefined}>
        <NumberBox {...box} />
        <span className="unit">{box.unit}</span>
      </div>
    </div>
  );
}

export function Switch({ id, checked, onChange, ...rest }: { id: string; checked: boolean; onChange: (checked: boolean) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'checked' | 'type'>) {
  return <input {...rest} id={id} className="switch" type="checkbox" role="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />;
}
