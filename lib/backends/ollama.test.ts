/** OllamaBackend against the Ollama fake: what it sends, what it streams, and each failure's kind and message. */
import { describe, expect, it } from 'vitest';
import { OllamaBackend } from './ollama';
import { closedPort, failure, fetchWithOrigin, GREEDY, useFake } from '../../tests/fakes/helpers';

const fakes = useFake('ollama', { model: 'fake-llm' });
const setup = fakes.setup;

describe('OllamaBackend.complete', () => {
  it('streams the completion and sends a raw /api/generate with the sampling options', async () => {
    const { fake, backend } = await setup();
    const deltas: string[] = [];
    const r = await backend.complete({ prompt: 'We propose a', options: { ...GREEDY, topK: 40, repetitionPenalty: 1.2, seed: 7, stop: ['\n\n'] }, topLogprobs: 3 }, { onDelta: (d) => deltas.push(d) });
    expect(r.text).toBe(' novel method for text classification. We evaluate');
    expect(deltas.join('')).toBe(r.text);
    expect(deltas.length).toBe(8);
    expect(r).toMatchObject({ stopReason: 'eos', tokens: 8, logprobs: true });
    const sent = fake.requests.find((q) => q.path === '/api/generate')!.body;
    expect(sent).toEqual({
      model: 'fake-llm',
      prompt: 'We propose a',
      raw: true,
      stream: true,
      keep_alive: '30m',
      options: { temperature: 0, top_p: 1, top_k: 40, repeat_penalty: 1.2, num_predict: 32, seed: 7, stop: ['\n\n'] },
      logprobs: true,
      top_logprobs: 3,
    });
  });

  it('passes each token log-probability and its alternatives to onToken', async () => {
    const { backend } = await setup();
    const tokens: Array<{ text: string; p: number; top: number }> = [];
    await backend.complete({ prompt: 'We propose a', options: GREEDY, topLogprobs: 2 }, { onToken: (t) => void tokens.push({ text: t.text, p: Math.exp(t.logprob), top: t.top?.length ?? 0 }) });
    expect(tokens[0].text).toBe(' novel');
    expect(tokens[0].p).toBeCloseTo(0.9, 6);
    expect(tokens[0].top).toBe(2);
  });

  it('reports max_tokens when num_predict ends it', async () => {
    const { backend } = await setup();
    const r = await backend.complete({ prompt: 'We propose a', options: { ...GREEDY, maxNewTokens: 2 } });
    expect(r).toMatchObject({ text: ' novel method', stopReason: 'max_tokens' });
  });

  it('sends text after the caret as suffix, without raw, when the model has the insert capability', async () => {
    const { fake, backend } = await setup({ infill: true });
    await backend.complete({ prompt: 'We propose a', suffix: ' for parsing.', options: GREEDY });
    const sent = fake.requests.find((q) => q.path === '/api/generate')!.body;
    expect(sent.suffix).toBe(' for parsing.');
    expect(sent.raw).toBe(false);
  });

  it('leaves the suffix out (raw completion) when the model cannot insert', async () => {
    const { fake, backend } = await setup({ infill: false });
    const r = await backend.complete({ prompt: 'We propose a', suffix: ' for parsing.', options: GREEDY });
    expect(r.text).toContain('novel');
    const sent = fake.requests.find((q) => q.path === '/api/generate')!.body;
    expect(sent.suffix).toBeUndefined();
    expect(sent.raw).toBe(true);
  });

  // The delays below leave the client whole tokens of time to close the request before the fake would
  // have finished on its own, even on a loaded machine: "closed early" is then what the client did.
  it('stops at the sentence end and closes the request', async () => {
    const { fake, backend } = await setup({ tokenDelayMs: 300 });
    const r = await backend.complete({ prompt: 'We propose a', options: { ...GREEDY, stopAtSentenceEnd: true } });
    expect(r).toMatchObject({ text: ' novel method for text classification.', stopReason: 'sentence_end' });
    const req = fake.requests.find((q) => q.path === '/api/generate')!;
    await req.finished;
    expect(req.clientClosedEarly).toBe(true);
  });

  it('an abort mid-stream closes the HTTP request and resolves with the text so far', async () => {
    const { fake, backend } = await setup({ tokenDelayMs: 100 });
    const controller = new AbortController();
    const r = await backend.complete({ prompt: 'We propose a', options: GREEDY }, { signal: controller.signal, onDelta: () => controller.abort() });
    expect(r).toMatchObject({ stopReason: 'aborted', text: ' novel' });
    const req = fake.requests.find((q) => q.path === '/api/generate')!;
    await req.finished;
    expect(req.clientClosedEarly).toBe(true);
  });

  it('onToken returning true stops there and closes the request', async () => {
    const { fake, backend } = await setup({ tokenDelayMs: 100 });
    let n = 0;
    const r = await backend.complete({ prompt: 'We propose a', options: GREEDY, topLogprobs: 0 }, { onToken: () => ++n === 2 });
    expect(r).toMatchObject({ stopReason: 'stopped', text: ' novel method' });
    const req = fake.requests.find((q) => q.path === '/api/generate')!;
    await req.finished;
    expect(req.clientClosedEarly).toBe(true);
  });
});

describe('OllamaBackend failures', () => {
  it('403 to an extension origin: forbidden-origin with the OLLAMA_ORIGINS fix for the OS', async () => {
    const { backend } = await setup({}, { fetch: fetchWithOrigin('chrome-extension://abcdefghijklmnop'), platform: 'mac', clientOrigin: 'chrome-extension://abcdefghijklmnop' });
    const e = await failure(backend.complete({ prompt: 'We propose a', options: GREEDY }));
    expect(e.kind).toBe('forbidden-origin');
    expect(e.status).toBe(403);
    expect(e.message).toContain('launchctl setenv OLLAMA_ORIGINS "chrome-extension://abcdefghijklmnop"');
  });

  it.each([
    ['linux', 'moz-extension://0b6e5f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', 'Environment="OLLAMA_ORIGINS=moz-extension://0b6e5f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"'],
    ['windows', 'chrome-extension://abc', 'setx OLLAMA_ORIGINS "chrome-extension://abc"'],
  ] as const)('the fix on %s names the extension origin', async (platform, origin, expected) => {
    const { backend } = await setup({}, { fetch: fetchWithOrigin(origin), platform, clientOrigin: origin });
    const e = await failure(backend.listModels());
    expect(e.kind).toBe('forbidden-origin');
    expect(e.message).toContain(expected);
  });

  it('an extension origin listed in OLLAMA_ORIGINS is served', async () => {
    const { backend } = await setup({ allowOrigins: ['chrome-extension://*'] }, { fetch: fetchWithOrigin('chrome-extension://abc') });
    expect((await backend.listModels()).map((m) => m.name)).toEqual(['fake-llm:latest']);
  });

  it('an unknown model: model-not-found saying `ollama pull NAME`', async () => {
    const { backend } = await setup({}, { model: 'llama9' });
    const e = await failure(backend.complete({ prompt: 'We propose a', options: GREEDY }));
    expect(e.kind).toBe('model-not-found');
    expect(e.message).toContain('`ollama pull llama9`');
  });

  it('nothing listening: unreachable, asking whether Ollama runs', async () => {
    const port = await closedPort();
    const backend = new OllamaBackend({ kind: 'ollama', url: `http://127.0.0.1:${port}`, model: 'fake-llm' });
    const e = await failure(backend.complete({ prompt: 'x', options: GREEDY }));
    expect(e.kind).toBe('unreachable');
    expect(e.message).toContain(`Nothing answers at http://127.0.0.1:${port}: is the Ollama running?`);
    expect(e.message).toContain('ollama serve');
  });

  it('a stream that stalls longer than timeoutMs: timeout', async () => {
    const { backend } = await setup({ tokenDelayMs: 400 }, { timeoutMs: 100 });
    const e = await failure(backend.complete({ prompt: 'We propose a', options: GREEDY }));
    expect(e.kind).toBe('timeout');
  });

  it('a connection closed mid-stream: stream-cut, with the text that came', async () => {
    const { backend } = await setup({ cutAfterTokens: 3 });
    const e = await failure(backend.complete({ prompt: 'We propose a', options: GREEDY }));
    expect(e.kind).toBe('stream-cut');
    expect(e.partialText).toBe(' novel method for');
  });

  it('a line that is not JSON: bad-response, and the request is closed (the server stops generating)', async () => {
    const { fake, backend } = await setup({ malformedAfterTokens: 2, tokenDelayMs: 100 });
    const e = await failure(backend.complete({ prompt: 'We propose a', options: GREEDY }));
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain('not JSON');
    const req = fake.requests.find((q) => q.path === '/api/generate')!;
    await req.finished;
    expect(req.clientClosedEarly).toBe(true);
  });
});

describe('OllamaBackend models, capabilities and test connection', () => {
  it('lists /api/tags with size and details', async () => {
    const { backend } = await setup({ models: ['llama3.2:1b', 'qwen2.5-coder:1.5b'] });
    const models = await backend.listModels();
    expect(models.map((m) => m.name)).toEqual(['llama3.2:1b', 'qwen2.5-coder:1.5b']);
    expect(models[0].details).toBe('1.2B Q4_K_M');
  });

  it('test connection: origin, model, version, a measured latency', async () => {
    const { backend } = await setup();
    const report = await backend.testConnection();
    expect(report).toMatchObject({ kind: 'ollama', origin: fakes.fake.origin, model: 'fake-llm', modelListed: true, serverVersion: '0.13.0' });
    expect(report.capabilities).toEqual({ infill: true, logprobs: true, promptLogprobs: false, candidates: 1 });
    expect(report.latencyMs).toBeGreaterThan(0);
  });

  it('test connection with a model the server lacks names the ones it has', async () => {
    const { backend } = await setup({ models: ['llama3.2:1b'] }, { model: 'mistral' });
    const e = await failure(backend.testConnection());
    expect(e.kind).toBe('model-not-found');
    expect(e.message).toContain('it has: llama3.2:1b');
    expect(e.message).toContain('`ollama pull mistral`');
  });

  it('Ollama before 0.12.11 has no logprobs: capabilities say so', async () => {
    const { backend } = await setup({ logprobs: false });
    expect((await backend.capabilities()).logprobs).toBe(false);
  });

  it('prompt log-probabilities are unsupported, with a message pointing to the keystroke metric', async () => {
    const { backend } = await setup();
    const e = await failure(backend.scorePrompt('We propose a method.'));
    expect(e.kind).toBe('unsupported');
    expect(e.message).toContain('keystroke');
  });
});
