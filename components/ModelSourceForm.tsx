/**
 * Which model answers: the bundled one (default, nothing leaves the computer)
 * or a model server (Ollama, llama.cpp server, OpenAI-compatible). The server
 * part: kind, address (each kind's usual default), API key, "Test connection"
 * (asks for access to that one host in the click itself, the user gesture,
 * then lists the server's models and times a one-token completion), the model
 * picked from that list, the origin that receives text, and a per-site
 * "bundled model only" switch. Stored by lib/extension/model-source.ts in
 * storage.local; the background does the talking (server-test.ts).
 */
import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import {
  activeServer,
  DEFAULT_MODEL_SOURCE,
  DEFAULT_SERVER_URLS,
  isBundledOnly,
  loadModelSource,
  normalizeServerUrl,
  SERVER_KIND_LABELS,
  SERVER_KINDS,
  saveModelSource,
  serverPermissionPattern,
  serverUrlProblem,
  setBundledOnly,
  watchModelSource,
  type ModelSource,
  type ServerConfig,
  type ServerKind,
} from '@/lib/extension/model-source';
import type { ServerTestResult } from '@/lib/extension/protocol';
import { clearFallback, fallbackItem, parseFallbacks } from '@/lib/extension/server-fallback';
import { originPattern } from '@/lib/extension/site-access';
import { useActiveTab } from './active-tab';
import { Field } from './ui/Field';
import { Switch } from './ui/controls';

const emptyServer = (kind: ServerKind = 'ollama'): ServerConfig => ({ kind, url: DEFAULT_SERVER_URLS[kind], model: '', apiKey: '' });

function describeTest(result: ServerTestResult): string {
  if (!result.ok) return result.error?.message ?? 'The server did not answer.';
  const listed = `${result.models.length} model${result.models.length === 1 ? '' : 's'}`;
  if (!result.model) return `Reached ${result.origin}: ${listed}. Pick the model to use.`;
  const version = result.serverVersion ? ` (version ${result.serverVersion})` : '';
  return `Connected to ${result.origin}${version}: ${listed}; ${result.model} answered in ${result.latencyMs} ms.`;
}

export function ModelSourceForm() {
  const tab = useActiveTab();
  const here = originPattern(tab?.url);
  const origin = here.ok ? here.origin : undefined;
  const [source, setSource] = useState<ModelSource>(DEFAULT_MODEL_SOURCE as ModelSource);
  const [draft, setDraft] = useState<ServerConfig>(emptyServer());
  const [urlError, setUrlError] = useState<string>();
  const [test, setTest] = useState<ServerTestResult>();
  const [testing, setTesting] = useState(false);
  const [status, setStatus] = useState('');
  const [fallback, setFallback] = useState<string>();
  // Until the stored choice is read, a click would save the defaults over it (e.g. the per-site switch
  // flipped at once would reset a configured server to the bundled model): the controls wait.
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    void loadModelSource().then((s) => {
      setSource(s);
      if (s.server) setDraft({ ...s.server, apiKey: s.server.apiKey ?? '' });
      setLoaded(true);
    });
    return watchModelSource(setSource);
  }, []);
  useEffect(() => {
    if (tab?.id === undefined) return;
    const show = (raw: unknown) => setFallback(parseFallbacks(raw)[String(tab.id)]?.message);
    void fallbackItem.getValue().then(show);
    return fallbackItem.watch(show);
  }, [tab?.id]);

  async function save(next: ModelSource, said: string): Promise<boolean> {
    // Shown at once (a controlled radio would otherwise snap back until storage's change event arrives);
    // put back if the store refuses it.
    const before = source;
    setSource(next);
    const result = await saveModelSource(next);
    setSource(result.ok ? result.source : before);
    setStatus(result.ok ? said : result.error);
    return result.ok;
  }

  const asStored = (d: ServerConfig): ServerConfig => ({ kind: d.kind, url: normalizeServerUrl(d.url), model: d.model.trim(), ...(d.apiKey?.trim() && { apiKey: d.apiKey.trim() }) });

  async function runTest(): Promise<void> {
    setTesting(true);
    setTest(undefined);
    try {
      const result = (await browser.runtime.sendMessage({ type: 'server:test' })) as ServerTestResult | undefined;
      setTest(result ?? { ok: false, models: [], error: { kind: 'unreachable', message: 'The extension did not answer; try again.' } });
    } finally {
      setTesting(false);
    }
  }

  /** The click handler: the permission request must start before any await (it needs the click's user gesture). */
  function testConnection(): void {
    const problem = serverUrlProblem(draft.url);
    setUrlError(problem);
    if (problem) return;
    const server = asStored(draft);
    const pattern = serverPermissionPattern(server);
    const granted = browser.permissions.request({ origins: [pattern] });
    // Saved meanwhile, not after the answer: Firefox closes the popup when its prompt opens.
    void (async () => {
      if (!(await save({ ...source, use: 'server', server }, 'Server saved.'))) return;
      if (!(await granted)) return setStatus(`Access to ${pattern} was not granted, so nothing is sent there; the bundled model answers.`);
      await runTest();
    })().catch((error: Error) => setStatus(`Could not test the server: ${error.message}`));
  }

  async function pickModel(model: string): Promise<void> {
    const server = asStored({ ...draft, model });
    setDraft(server);
    if (await save({ ...source, use: 'server', server }, model ? `Using ${model}.` : '')) {
      if (model) await runTest();
    }
  }

  function changeKind(kind: ServerKind): void {
    // Keep an address the user typed; replace one that was the old kind's default.
    const url = draft.url === DEFAULT_SERVER_URLS[draft.kind] || draft.url.trim() === '' ? DEFAULT_SERVER_URLS[kind] : draft.url;
    setDraft({ ...draft, kind, url, model: '' });
    setTest(undefined);
  }

  // The same rule as the background's routing (model-source.ts): chosen, and a model picked.
  const active = activeServer(source);
  const receiving = active ? new URL(active.url).origin : undefined;
  const localOnly = origin !== undefined && isBundledOnly(source, [origin]);
  const models = [...new Set([...(test?.models.map((m) => m.name) ?? []), ...(draft.model ? [draft.model] : [])])];

  return (
    <form className="settings model-source" aria-label="Model source" aria-busy={!loaded} onSubmit={(e) => e.preventDefault()}>
      <fieldset className="loading-gate" disabled={!loaded}>
      <fieldset className="choice">
        <legend className="label">Which model answers</legend>
        <label>
          <input type="radio" name="model-use" checked={source.use === 'bundled'} onChange={() => void save({ ...source, use: 'bundled' }, 'Using the bundled model.')} />
          Bundled model, on this computer
        </label>
        <label>
          <input type="radio" name="model-use" checked={source.use === 'server'} onChange={() => void save({ ...source, use: 'server', ...(source.server ? {} : { server: asStored(draft) }) }, 'Set up the server below, then test it.')} />
          A model server (Ollama, llama.cpp, vLLM, …)
        </label>
      </fieldset>
      {source.use === 'server' && (
        <>
          <Field id="server-kind" label="Server" help="What the server speaks: Ollama, llama.cpp's llama-server, or the OpenAI /v1/completions API (vLLM, TGI, LM Studio, LocalAI, hosted endpoints).">
            {({ describedBy }) => (
              <select id="server-kind" value={draft.kind} aria-describedby={describedBy} onChange={(e) => changeKind(e.target.value as ServerKind)}>
                {SERVER_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {SERVER_KIND_LABELS[kind]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="server-url" label="Address" error={urlError} help={`Where the server listens; ${SERVER_KIND_LABELS[draft.kind]} usually at ${DEFAULT_SERVER_URLS[draft.kind]}. Plain http only to this computer; use https:// for a server elsewhere.`}>
            {({ describedBy }) => (
              <input id="server-url" type="url" value={draft.url} spellCheck={false} aria-invalid={urlError ? true : undefined} aria-describedby={describedBy} onChange={(e) => setDraft({ ...draft, url: e.target.value })} />
            )}
          </Field>
          <Field id="server-key" label="API key (if the server needs one)" help="Sent as a Bearer token to this server only. Kept on this computer (not synced) and never logged.">
            {({ describedBy }) => (
              <input id="server-key" type="password" autoComplete="off" value={draft.apiKey ?? ''} aria-describedby={describedBy} onChange={(e) => setDraft({ ...draft, apiKey: e.target.value })} />
            )}
          </Field>
          <div className="row">
            <button type="button" onClick={testConnection} disabled={testing}>
              {testing ? 'Testing…' : 'Test connection'}
            </button>
          </div>
          <Field id="server-model" label="Model" help="One of the models the server has (press Test connection to list them). Text goes to this model only once one is picked.">
            {({ describedBy }) => (
              <select id="server-model" value={draft.model} disabled={models.length === 0} aria-describedby={describedBy} onChange={(e) => void pickModel(e.target.value)}>
                <option value="">{models.length === 0 ? 'Test the connection to list models' : 'Pick a model'}</option>
                {models.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {test && (
            <p className={test.ok ? 'test-result' : 'error'} role={test.ok ? 'status' : 'alert'} data-ok={test.ok} data-kind={test.error?.kind}>
              {describeTest(test)}
            </p>
          )}
        </>
      )}
      <p className="privacy" data-receiver={receiving ?? 'none'}>
        {receiving
          ? `Text before the caret (and after it, for servers that fill in) goes to ${receiving} when you pause typing or press Generate${localOnly ? ', but not from this site' : ''}.`
          : 'Nothing leaves this computer: the bundled model runs here.'}
      </p>
      {origin && (
        <Field id="bundled-only" label={`Bundled model only on ${new URL(origin).host}`} help={`Keeps ${origin}'s text on this computer even when a server is set up, for confidential drafts.`} inline>
          {({ describedBy }) => (
            <Switch id="bundled-only" checked={localOnly} aria-describedby={describedBy} onChange={(on) => void save(setBundledOnly(source, origin, on), on ? `${origin} uses the bundled model only.` : `${origin} follows the choice above.`)} />
          )}
        </Field>
      )}
      {fallback && receiving && (
        <div className="fallback" role="alert">
          <p>The server failed on this tab, so it uses the bundled model. {fallback}</p>
          <button type="button" onClick={() => void clearFallback(tab?.id).then(() => setStatus('This tab uses the server again.'))}>
            Use the server again
          </button>
        </div>
      )}
      <p role="status" className="saved">
        {status}
      </p>
      </fieldset>
    </form>
  );
}
