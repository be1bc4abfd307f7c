/**
 * Generate-button settings (sampling) and the model's idle unload. Each field
 * explains itself (a Help button and a hover bubble), validates with the
 * engine's own rules as you type, and is only saved when every field is valid.
 * Saved to storage.sync; the next generation uses it. Once the model is
 * loaded, top-k and max new tokens are checked against what it allows
 * (EngineStatus.limits), and a stored value beyond that is flagged with the
 * real limit (the engine clamps it meanwhile, so generation works).
 *
 * One hook holds the state, so the sampling fields (Generate button section)
 * and the idle field (Model section) save one consistent object.
 */
import { useEffect, useState } from 'react';
import {
  DEFAULT_SETTINGS,
  IDLE_UNLOAD_LIMITS,
  loadSettings,
  resetSettings,
  saveSettings,
  validateField,
  type SamplingField,
  type Settings,
  type SettingsErrors,
} from '@/lib/extension/settings';
import type { ModelLimits } from '@/lib/engine/sampling-options';
import { samplingBounds, type Bounds } from './field-specs';
import { Field } from './ui/Field';
import { Stepper, Switch } from './ui/controls';

type FieldName = SamplingField | 'idleUnloadMinutes';
type NumberField = Exclude<FieldName, 'stopAtSentenceEnd'>;

const HELP: Record<FieldName, { label: string; help: string; unit?: string }> = {
  maxNewTokens: { label: 'Max new tokens', help: 'The longest continuation, in tokens (a token is about ¾ of a word), and at most half of what the model reads.' },
  temperature: { label: 'Temperature', help: 'How adventurous the wording is. 0 always picks the most likely word; higher values vary more.' },
  topP: { label: 'Top-p', help: 'Only consider the most likely words that together make up this share of the probability. 1 turns it off.' },
  topK: { label: 'Top-k', help: 'Only consider this many of the most likely next words. 0 turns it off.' },
  repetitionPenalty: { label: 'Repetition penalty', help: 'Discourages repeating words already in the text. 1 turns it off.' },
  stopAtSentenceEnd: { label: 'Stop at end of sentence', help: 'Stop after the first complete sentence instead of running to the token limit.' },
  idleUnloadMinutes: { label: 'Unload after idle', unit: 'min', help: 'Minutes without use before the model is unloaded to free its memory; it reloads on the next use. 0 keeps it loaded.' },
};

const SAMPLING_NUMBER_FIELDS = ['maxNewTokens', 'temperature', 'topP', 'topK', 'repetitionPenalty'] as const;

function boundsOf(name: NumberField, limits: ModelLimits | undefined): Bounds {
  return name === 'idleUnloadMinutes' ? { ...IDLE_UNLOAD_LIMITS, step: 1 } : samplingBounds(name, limits);
}

/** The range in words, from the same bounds the field enforces (top-p excludes 0). */
function rangeText(name: NumberField, bounds: Bounds): string {
  const low = name === 'topP' ? `above ${bounds.min}` : `${bounds.min}`;
  return bounds.max === undefined ? `${low} or more` : `${low} to ${bounds.max}`;
}

function read(settings: Settings, name: FieldName): number | boolean {
  return name === 'idleUnloadMinutes' ? settings.idleUnloadMinutes : settings.sampling[name];
}

function write(settings: Settings, name: FieldName, value: number | boolean): Settings {
  if (name === 'idleUnloadMinutes') return { ...settings, idleUnloadMinutes: value as number };
  return { ...settings, sampling: { ...settings.sampling, [name]: value } };
}

/** The fields whose range depends on the loaded model. */
const MODEL_BOUND: FieldName[] = ['topK', 'maxNewTokens'];

export interface SettingsFormState {
  settings: Settings;
  drafts: Partial<Record<FieldName, string>>;
  errors: SettingsErrors;
  saved: string;
  limits?: ModelLimits;
  change(name: FieldName, raw: string | boolean): Promise<void>;
  reset(): Promise<void>;
}

export function useSettingsForm(limits?: ModelLimits): SettingsFormState {
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS as Settings);
  const [drafts, setDrafts] = useState<Partial<Record<FieldName, string>>>({});
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [saved, setSaved] = useState('');

  useEffect(() => {
    void loadSettings().then(setSettings);
  }, []);

  // A stored value the model cannot honour (set before it was known, or synced) is flagged once its limits are.
  useEffect(() => {
    if (!limits) return;
    setErrors((e) => {
      const next = { ...e };
      for (const name of MODEL_BOUND) if (drafts[name] === undefined) next[name as SamplingField] = validateField(name, read(settings, name), limits);
      return next;
    });
  }, [limits, settings, drafts]);

  async function change(name: FieldName, raw: string | boolean) {
    const value = typeof raw === 'boolean' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
    if (typeof raw === 'string') setDrafts((d) => ({ ...d, [name]: raw }));
    const error = validateField(name, Number.isNaN(value) ? undefined : value, limits);
    setErrors((e) => ({ ...e, [name]: error }));
    if (error) {
      setSaved('');
      return;
    }
    const next = write(settings, name, value);
    setSettings(next);
    const result = await saveSettings(next, limits);
    if (result.ok) setSaved('Saved. The next generation uses these settings.');
    else setErrors(result.errors);
  }

  async function reset() {
    setSettings(await resetSettings());
    setDrafts({});
    setErrors({});
    setSaved('Defaults restored.');
  }

  return { settings, drafts, errors, saved, limits, change, reset };
}

function NumberSetting({ form, name }: { form: SettingsFormState; name: NumberField }) {
  const id = `setting-${name}`;
  const bounds = boundsOf(name, form.limits);
  const { label, help, unit } = HELP[name];
  const model = form.limits && MODEL_BOUND.includes(name) ? ' (this model)' : '';
  const error = form.errors[name];
  return (
    <Field id={id} label={label} help={`${help} Allowed: ${rangeText(name, bounds)}${model}.`} error={error} inline>
      {({ describedBy }) => (
        <Stepper
          id={id}
          name={name}
          text={form.drafts[name] ?? String(read(form.settings, name))}
          bounds={bounds}
          unit={unit}
          invalid={Boolean(error)}
          describedBy={describedBy}
          onText={(text) => void form.change(name, text)}
        />
      )}
    </Field>
  );
}

/** The Generate button's knobs: sampling fields, stop at sentence end, reset. */
export function SamplingSettings({ form }: { form: SettingsFormState }) {
  const id = 'setting-stopAtSentenceEnd';
  return (
    <form className="settings" aria-label="Generation settings" onSubmit={(e) => e.preventDefault()}>
      {SAMPLING_NUMBER_FIELDS.map((name) => (
        <NumberSetting key={name} form={form} name={name} />
      ))}
      <Field id={id} label={HELP.stopAtSentenceEnd.label} help={HELP.stopAtSentenceEnd.help} inline>
        {({ describedBy }) => (
          <Switch id={id} name="stopAtSentenceEnd" checked={form.settings.sampling.stopAtSentenceEnd} aria-describedby={describedBy} onChange={(on) => void form.change('stopAtSentenceEnd', on)} />
        )}
      </Field>
      <div className="row">
        <button type="button" className="quiet" onClick={() => void form.reset()}>
          Reset to defaults
        </button>
        <span role="status" className="saved">
          {form.saved}
        </span>
      </div>
    </form>
  );
}

/** The model's memory setting (Model section); saved with the sampling settings. */
export function IdleSetting({ form }: { form: SettingsFormState }) {
  return (
    <form className="settings" aria-label="Model memory" onSubmit={(e) => e.preventDefault()}>
      <NumberSetting form={form} name="idleUnloadMinutes" />
    </form>
  );
}
