/** LlamaCppBackend against the llama.cpp server fake: /completion and /infill, n_probs, keys, loading, cuts. */
import { describe, expect, it } from 'vitest';
import { failure, GREEDY, useFake } from '../../tests/fakes/helpers';

const fakes = useFake('llama.cpp', { model: '' });
const setup = fakes.setup;

describe('LlamaCppBackend', () => {
  it('streams /completion (SSE) with n_predict, n_probs and cache_prompt', async () => {
    const { fake, backend } = await setup();
    const deltas: string[] = [];
    const tokens: number[] = [];
    const r = await backend.complete(
      { prompt: 'The results show', options: { ...GREEDY, topK: 40, repetitionPenalty: 1.2 }, topLogprobs: 2 },
      { onDelta: (d) => deltas.push(d), onToken: (t) => void tokens.push(Math.exp(t.logprob)) },
    );
    expect(r).toMatchObject({ text: ' that the model outperforms the baseline.', stopReason: 'eos', tokens: 7, logprobs: true });
    expect(deltas.join('')).toBe(r.text);
    expect(tokens[0]).toBeCloseTo(0.95, 6);
    expect(fake.requests.at(-1)!.body).toEqual({ prompt: 'The results show', stream: true, n_predict: 32, temperature: 0, top_p: 1, top_k: 40, repeat_penalty: 1.2, cache_prompt: true, n_probs: 2 });
  });

  it('maps stop_type limit to max_tokens', async () => {
    const { backend } = await setup();
    expect((await backend.complete({ prompt: 'The results show', options: { ...GREEDY, maxNewTokens: 3 } })).stopReason).toBe('max_tokens');
  });

  it('sends text after the caret to /infill as input_prefix / input_suffix', async () => {
    const { fake, backend } = await setup();
    const r = await backend.complete({ prompt: 'We propose a', suffix: ' that parses.', options: GREEDY });
    expect(r.text).toContain('novel method');
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/infill');
    expect(req.body).toMatchObject({ input_prefix: 'We propose a', input_suffix: ' that parses.' });
  });

  it('a model without FIM tokens (501 on /infill): completes the prefix, and stops trying /infill', async () => {
    const { fake, backend } = await setup({ infill: false });
    const first = await backend.complete({ prompt: 'We propose a', suffix: ' x', options: GREEDY });
    expect(first.text).toContain('novel');
    await backend.complete({ prompt: 'We propose a', suffix: ' x', options: GREEDY });
    expect(fake.requests.map((q) => q.path)).toEqual(['/infill', '/completion', '/completion']);
    expect((await backend.capabilities()).infill).toBe(false);
  });

  it('capabilities probed before the 501 say no infill after it', async () => {
    const { backend } = await setup({ infill: false });
    expect((await backend.capabilities()).infill).toBe(true);
    await backend.complete({ prompt: 'We propose a', suffix: ' x', options: GREEDY });
    expect((await backend.capabilities()).infill).toBe(false);
  });

  it('a wrong key: unauthorized, telling to check the key', async () => {
    const { backend } = await setup({ apiKey: 'right' }, { apiKey: 'wrong' });
    const e = await failure(backend.complete({ prompt: 'x', options: GREEDY }));
    expect(e.kind).toBe('unauthorized');
    expect(e.message).toContain('refused the API key (401)');
    expect(e.message).toContain('Invalid API Key');
    expect(e.message).not.toContain('wrong');
  });

  it('the right key is sent as a Bearer token', async () => {
    const { fake, backend } = await setup({ apiKey: 'right' }, { apiKey: 'right' });
    await backend.complete({ prompt: 'x', options: GREEDY });
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer right');
  });

  it('a model still loading (503): server-error saying to try again in a moment', async () => {
    const { backend } = await setup({ loading: true });
    const e = await failure(backend.testConnection());
    expect(e.kind).toBe('server-error');
    expect(e.message).toContain('still loading its model');
  });

  it('a connection closed mid-stream: stream-cut with the text so far', async () => {
    const { backend } = await setup({ cutAfterTokens: 2 });
    const e = await failure(backend.complete({ prompt: 'The results show', options: GREEDY }));
    expect(e).toMatchObject({ kind: 'stream-cut', partialText: ' that the' });
  });

  it('an event that is not JSON: bad-response', async () => {
    const { backend } = await setup({ malformedAfterTokens: 1 });
    expect((await failure(backend.complete({ prompt: 'x', options: GREEDY }))).kind).toBe('bad-response');
  });

  it('abort mid-stream closes the request', async () => {
    const { fake, backend } = await setup({ tokenDelayMs: 100 });
    const controller = new AbortController();
    const r = await backend.complete({ prompt: 'The results show', options: GREEDY }, { signal: controller.signal, onDelta: () => controller.abort() });
    expect(r.stopReason).toBe('aborted');
    await fake.requests.at(-1)!.finished;
    expect(fake.requests.at(-1)!.clientClosedEarly).toBe(true);
  });

  it('lists its one model and reports its build in test connection', async () => {
    const { backend } = await setup();
    expect(await backend.listModels()).toEqual([{ name: 'fake-model.gguf' }]);
    expect(await backend.testConnection()).toMatchObject({ kind: 'llama.cpp', modelListed: true, serverVersion: 'b9999-fake' });
  });
});
