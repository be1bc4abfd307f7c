/**
 * Inline (as-you-type) suggestion settings: on/off everywhere, on/off for the
 * site of the tab the popup was opened over (an override by origin), pause,
 * words, how eager (the confidence cut) and candidates. The schema, defaults
 * and limits are lib/suggest/inline-settings.ts; storage is
 * lib/extension/inline-settings-store.ts, which the content scripts watch, so
 * a change applies to open pages at once. A value outside its limits is shown
 * with the limit and never saved.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { loadInlineSettings, saveInlineSettings, watchInlineSettings } from '@/lib/extension/inline-settings-store';
import { originPattern } from '@/lib/extension/site-access';
import { DEFAULT_INLINE_SETTINGS, inlineEnabledFor, type InlineSettings } from '@/lib/suggest/inline-settings';
import { useActiveTabUrl } from './active-tab';
import { INLINE_FIELDS, describeInline, eagernessWords, fromShown, inlineBounds, inlineFieldError, toShown, type InlineNumberField } from './field-specs';
import { Field } from './ui/Field';
import { SliderWithBox, Stepper, Switch } from './ui/controls';

const SAVED = 'Suggestion settings saved; open pages use them at once.';

export function InlineSettingsForm() {
  const [settings, setSettings] = useState<InlineSettings>(DEFAULT_INLINE_SETTINGS as InlineSettings);
  const [drafts, setDrafts] = useState<Partial<Record<InlineNumberField, string>>>({});
  const [errors, setErrors] = useState<Partial<Record<InlineNumberField, string>>>({});
  const [status, setStatus] = useState('');
  const here = originPattern(useActiveTabUrl());
  const origin = here.ok ? here.origin : undefined;

  useEffect(() => {
    void loadInlineSettings().then(setSettings);
    return watchInlineSettings(setSettings);
  }, []);

  async function save(next: InlineSettings) {
    setSettings(next);
    const result = await saveInlineSettings(next);
    setStatus(result.ok ? SAVED : result.error);
  }

  function typed(field: InlineNumberField, text: string) {
    setDrafts((d) => ({ ...d, [field]: text }));
    const shown = text.trim() === '' ? undefined : Number(text);
    const error = inlineFieldError(field, shown);
    setErrors((e) => ({ ...e, [field]: error }));
    if (error) return setStatus('');
    void save({ ...settings, [field]: fromShown(field, shown!) });
  }

  function slid(field: InlineNumberField, shown: number) {
    setDrafts((d) => ({ ...d, [field]: undefined }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    void save({ ...settings, [field]: fromShown(field, shown) });
  }

  function setSite(on: boolean | undefined) {
    if (!origin) return;
    const { [origin]: _old, ...others } = settings.sites;
    void save({ ...settings, sites: on === undefined ? others : { ...others, [origin]: on } });
  }

  const host = origin ? new URL(origin).host : undefined;
  const override = origin !== undefined && origin in settings.sites;
  const eager = eagernessWords(settings.minConfidence);

  const slider = (field: InlineNumberField, valueText: string, extra?: ReactNode) => {
    const spec = INLINE_FIELDS[field];
    const id = `inline-${field}`;
    return (
      <Field id={id} label={spec.label} help={spec.help} error={errors[field]} labelFor={false}>
        {({ describedBy }) => (
          <>
            <SliderWithBox
              id={id}
              name={field}
              value={toShown(field, settings[field])}
              valueText={valueText}
              sliderLabel={spec.label}
              inverted={field === 'minConfidence'}
              onSlide={(v) => slid(field, v)}
              text={drafts[field] ?? String(toShown(field, settings[field]))}
              bounds={inlineBounds(field)}
              unit={spec.unit === 'words' ? undefined : spec.unit}
              ariaLabel={spec.boxLabel}
              invalid={Boolean(errors[field])}
              describedBy={describedBy}
              onText={(t) => typed(field, t)}
            />
            {extra}
          </>
        )}
      </Field>
    );
  };

  return (
    <form className="settings" aria-label="Inline suggestion settings" onSubmit={(e) => e.preventDefault()}>
      <Field id="inline-enabled" label="Suggest as I type" help="Grey text after the caret when you pause. Tab accepts it, Esc dismisses it, Alt+\ asks for one now. Sites can differ, below." inline>
        {({ describedBy }) => <Switch id="inline-enabled" checked={settings.enabled} aria-describedby={describedBy} onChange={(enabled) => void save({ ...settings, enabled })} />}
      </Field>
      {origin ? (
        <Field
          id="inline-site"
          label={`On ${host}`}
          help={`Turn suggestions on or off for ${origin} only; other sites keep the setting above.`}
          inline
        >
          {({ describedBy }) => (
            <Switch id="inline-site" checked={inlineEnabledFor(settings, origin)} aria-describedby={`${describedBy} inline-site-state`} onChange={(on) => setSite(on)} />
          )}
        </Field>
      ) : (
        <p className="hint">Open a web page, then this popup, to switch suggestions for that site alone.</p>
      )}
      {origin && (
        <p className="hint site-state" id="inline-site-state">
          {override ? 'Set for this site. ' : 'Follows the switch above.'}
          {override && (
            <button type="button" className="link" onClick={() => setSite(undefined)}>
              Follow the switch above
            </button>
          )}
        </p>
      )}
      {slider('pauseMs', describeInline('pauseMs', settings.pauseMs))}
      {slider('maxWords', describeInline('maxWords', settings.maxWords))}
      {slider(
        'minConfidence',
        `${eager.level}: at least ${describeInline('minConfidence', settings.minConfidence)} sure`,
        <>
          <div className="scale" aria-hidden="true">
            <span>Cautious</span>
            <span>Eager</span>
          </div>
          <p className="eager" data-level={eager.level}>
            <strong>{eager.level}.</strong> {eager.sentence}
          </p>
        </>,
      )}
      <Field id="inline-candidates" label={INLINE_FIELDS.candidates.label} help={INLINE_FIELDS.candidates.help} error={errors.candidates} inline>
        {({ describedBy }) => (
          <Stepper
            id="inline-candidates"
            name="candidates"
            text={drafts.candidates ?? String(settings.candidates)}
            bounds={inlineBounds('candidates')}
            invalid={Boolean(errors.candidates)}
            describedBy={describedBy}
            onText={(t) => typed('candidates', t)}
          />
        )}
      </Field>
      <p role="status" className="saved">
        {status}
      </p>
    </form>
  );
}
