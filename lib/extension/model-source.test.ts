import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import {
  activeServer,
  DEFAULT_MODEL_SOURCE,
  isBundledOnly,
  loadModelSource,
  parseModelSource,
  saveModelSource,
  serverPermissionPattern,
  serverUrlProblem,
  setBundledOnly,
  type ModelSource,
} from './model-source';

const ollama: ModelSource = { use: 'server', server: { kind: 'ollama', url: 'http://localhost:11434/', model: 'llama3.2', apiKey: 'sk-secret' }, bundledOnly: [] };

describe('model source', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is the bundled model when nothing is stored', async () => {
    expect(await loadModelSource()).toEqual(DEFAULT_MODEL_SOURCE);
    expect(activeServer(await loadModelSource())).toBeUndefined();
  });

  it('keeps the server and its key in storage.local only, never storage.sync', async () => {
    const saved = await saveModelSource(ollama);
    expect(saved.ok).toBe(true);
    expect(((await fakeBrowser.storage.local.get("modelSource")).modelSource as any).server).toMatchObject({ url: 'http://localhost:11434', apiKey: 'sk-secret' });
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
    expect(activeServer(await loadModelSource())?.model).toBe('llama3.2');
  });

  it('uses no server until a model is picked', () => {
    expect(activeServer({ ...ollama, server: { ...ollama.server!, model: '' } })).toBeUndefined();
    expect(activeServer({ ...ollama, use: 'bundled' })).toBeUndefined();
  });

  it('refuses plain http to other machines, query strings and credentials in the URL, and writes nothing', async () => {
    expect(serverUrlProblem('http://gpu.lab.example.edu:8000/v1')).toMatch(/Use https:\/\//);
    expect(serverUrlProblem('https://gpu.lab.example.edu/v1')).toBeUndefined();
    expect(serverUrlProblem('http://127.0.0.1:8080')).toBeUndefined();
    expect(serverUrlProblem('ftp://localhost')).toMatch(/must start with http:\/\/ or https:\/\//);
    expect(serverUrlProblem('https://user:pw@host')).toMatch(/API key in its own field/);
    expect(serverUrlProblem('not a url')).toMatch(/is not a URL/);
    const result = await saveModelSource({ ...ollama, server: { ...ollama.server!, url: 'http://10.0.0.5:8000' } });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/Use https/) });
    expect(await fakeBrowser.storage.local.get('modelSource')).toEqual({});
  });

  it('reads anything that does not validate as the bundled model, keeping the bundled-only sites', () => {
    expect(parseModelSource({ use: 'server', server: { kind: 'gpt', url: 'http://localhost' }, bundledOnly: ['https://a.example'] })).toEqual({ use: 'bundled', bundledOnly: ['https://a.example'] });
    expect(parseModelSource('garbage')).toEqual(DEFAULT_MODEL_SOURCE);
    expect(parseModelSource(null)).toEqual(DEFAULT_MODEL_SOURCE);
  });

  it('asks for the one host', () => {
    expect(serverPermissionPattern({ url: 'http://localhost:11434' })).toBe('http://localhost/*');
    expect(serverPermissionPattern({ url: 'https://api.example.com/v1' })).toBe('https://api.example.com/*');
  });

  it('bundled-only sites: by the frame or the tab origin', () => {
    const on = setBundledOnly(ollama, 'https://secret.example', true);
    expect(isBundledOnly(on, ['https://other.example', 'https://secret.example'])).toBe(true);
    expect(isBundledOnly(on, ['https://other.example', undefined])).toBe(false);
    expect(setBundledOnly(on, 'https://secret.example', false).bundledOnly).toEqual([]);
  });
});
