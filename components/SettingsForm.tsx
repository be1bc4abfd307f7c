/**
 * Generation settings. Each field explains itself in plain words (hover via
 * `title`, and the same text shown under the field while it has focus),
 * validates with the engine's own rules as you type, and is only saved when
 * every field is valid. Saved to storage.sync; the next generation uses it.
 * Once the model is loaded, top-k and max new tokens are checked against what
 * it allows (EngineStatus.limits), and a stored value beyond that is flagged
 * with the real limit (the engine clamps it meanwhile, so generation works).
 */
import { useEffect, useState } from 'react';
import {
  DEFAULT_SETTINGS,
  loadSettings,
  resetSettings,
  saveSettings,
  validateField,
  type SamplingField,
  type Settings,
  type SettingsErrors,
} from '@/lib/extension/settings';
import type { ModelLimits } from '@/lib/engine/sampling-options';

type FieldName = SamplingField | 'idleUnloadMinutes';

const FIELDS: Array<{ name: FieldName; label: string; help: string; step?: string; kind: 'number' | 'checkbox' }> = [
  { name: 'maxNewTokens', label: 'Max new tokens', kind: 'number', step: '1', help: 'The longest continuation, in tokens (a token is about ¾ of a word). 1 to 512, and at most half of what the model reads.' },
  { name: 'temperature', label: 'Temperature', kind: 'number', step: '0.05', help: 'How adventurous the wording is. 0 always picks the most likely word; higher values vary more. 0 to 2.' },
  { name: 'topP', label: 'Top-p', kind: 'number', step: '0.05', help: 'Only consider the most likely words that together make up this share of the probability. 1 turns it off. Above 0, at most 1.' },
  { name: 'topK', label: 'Top-k', kind: 'number', step: '1', help: 'Only consider this many of the most likely next words. 0 turns it off.' },
  { name: 'repetitionPenalty', label: 'Repetition penalty', kind: 'number', step: '0.05', help: 'Discourages repeating words already in the text. 1 turns it off; up to 2.' },
  { name: 'stopAtSentenceEnd', label: 'Stop at end of sentence', kind: 'checkbox', help: 'Stop after the first complete sentence instead of running to the token limit.' },
  { name: 'idleUnloadMinutes', label: 'Unload model after idle (minutes)', kind: 'number', step: '1', help: 'Free the model’s memory after this many minutes without use; it reloads on the next Generate. 0 keeps it loaded. 0 to 240.' },
];

function read(settings: Settings, name: FieldName): number | boolean {
  return name === 'idleUnloadMinutes' ? settings.idleUnloadMinutes : settings.sampling[name];
}

function write(settings: Settings, name: FieldName, value: number | boolean): Settings {
  if (name === 'idleUnloadMinutes') return { ...settings, idleUnloadMinutes: value as number };
  return { ...settings, sampling: { ...settings.sampling, [name]: value } };
}

/** The fields whose range depends on the loaded model. */
const MODEL_BOUND: FieldName[] = ['topK', 'maxNewTokens'];

function helpFor(name: FieldName, help: string, limits: ModelLimits | undefined): string {
  if (!limits) return help;
  if (name === 'maxNewTokens') return `${help} This model: 1 to ${limits.maxNewTokens}.`;
  if (name === 'topK') return `${help} This model: 0 to ${limits.topK}.`;
  return help;
}

export function SettingsForm({ limits }: { limits?: ModelLimits }) {
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS as Settings);
  const [drafts, setDrafts] = useState<Partial<Record<FieldName, string>>>({});
  const [errors, setErrors] = useState<SettingsErrors>({});
  const [focused, setFocused] = useState<FieldName | null>(null);
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

  return (
    <form className="settings" aria-label="Generation settings" onSubmit={(e) => e.preventDefault()}>
      {FIELDS.map((f) => {
        const id = `setting-${f.name}`;
        const error = errors[f.name];
        const describedBy = [`${id}-help`, error ? `${id}-error` : ''].filter(Boolean).join(' ');
        return (
          <div className="field" key={f.name} title={helpFor(f.name, f.help, limits)}>
            <label htmlFor={id}>{f.label}</label>
            {f.kind === 'checkbox' ? (
              <input
                id={id}
                name={f.name}
                type="checkbox"
                checked={read(settings, f.name) as boolean}
                aria-describedby={describedBy}
                onFocus={() => setFocused(f.name)}
                onBlur={() => setFocused(null)}
                onChange={(e) => void change(f.name, e.target.checked)}
              />
            ) : (
              <input
                id={id}
                name={f.name}
                type="number"
                step={f.step}
                value={drafts[f.name] ?? String(read(settings, f.name))}
                aria-invalid={error ? true : undefined}
                aria-describedby={describedBy}
                onFocus={() => setFocused(f.name)}
                onBlur={() => setFocused(null)}
                onChange={(e) => void change(f.name, e.target.value)}
              />
            )}
            <p id={`${id}-help`} className={focused === f.name ? 'help visible' : 'help'}>
              {helpFor(f.name, f.help, limits)}
            </p>
            {error && (
              <p id={`${id}-error`} className="error" role="alert">
                {error}
              </p>
            )}
          </div>
        );
      })}
      <div className="row">
        <button type="button" onClick={() => void reset()}>
          Reset to defaults
        </button>
        <span role="status" className="saved">
          {saved}
        </span>
      </div>
    </form>
  );
}
