/** OpenAiBackend against the OpenAI-compatible fake: /v1 handling, Bearer keys, logprobs, echo scoring, errors. */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { failure, GREEDY, useFake } from '../../tests/fakes/helpers';
import { ECHO_LOGPROB } from '../../tests/fakes/openai-fake';
import { OpenAiBackend } from './openai';

const fakes = useFake('openai', {});
const setup = fakes.setup;

describe('OpenAiBackend', () => {
  it('streams /v1/completions to [DONE] with max_tokens, logprobs and the key as Bearer', async () => {
    const { fake, backend } = await setup({ apiKey: 'sk-right' }, { apiKey: 'sk-right' });
    const tokens: string[] = [];
    const r = await backend.complete({ prompt: 'We propose a', options: { ...GREEDY, topK: 40, repetitionPenalty: 1.2, stop: ['\n'] }, topLogprobs: 9 }, { onToken: (t) => void tokens.push(t.text) });
    expect(r).toMatchObject({ text: ' novel method for text classification. We evaluate', stopReason: 'eos', logprobs: true });
    expect(tokens).toHaveLength(8);
    const req = fake.requests.at(-1)!;
    expect(req.path).toBe('/v1/completions');
    expect(req.headers.authorization).toBe('Bearer sk-right');
    expect(req.body).toEqual({ model: 'fake/fake-llm-1b', prompt: 'We propose a', stream: true, max_tokens: 32, temperature: 0, top_p: 1, top_k: 40, repetition_penalty: 1.2, stop: ['\n'], logprobs: 5 });
  });

  it('accepts a base URL without /v1', async () => {
    const { fake, backend } = await setup({}, {});
    const bare = new OpenAiBackend({ kind: 'openai', url: fake.origin, model: 'fake/fake-llm-1b' });
    expect((await bare.complete({ prompt: 'x', options: GREEDY })).stopReason).toBe('eos');
    expect((await backend.listModels()).map((m) => m.name)).toEqual(['fake/fake-llm-1b']);
  });

  it('a model list that is not one names the address asked, base path included', async () => {
    const server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const e = await failure(new OpenAiBackend({ kind: 'openai', url: `${origin}/vllm/v1`, model: 'm' }).listModels());
    await new Promise((r) => server.close(r));
    expect(e.kind).toBe('bad-response');
    expect(e.message).toContain(`${origin}/vllm/v1/models did not list models`);
  });

  it('finish_reason length is max_tokens', async () => {
    const { backend } = await setup();
    expect(await backend.complete({ prompt: 'We propose a', options: { ...GREEDY, maxNewTokens: 2 } })).toMatchObject({ text: ' novel method', stopReason: 'max_tokens' });
  });

  it('a wrong key: unauthorized with OpenAI\'s message, the key itself never repeated in full', async () => {
    const { backend } = await setup({ apiKey: 'sk-right' }, { apiKey: 'sk-wrong-key-123' });
    const e = await failure(backend.complete({ prompt: 'x', options: GREEDY }));
    expect(e.kind).toBe('unauthorized');
    expect(e.message).toContain('refused the API key (401)');
    expect(e.message).toContain('Incorrect API key provided');
    expect(e.message).not.toContain('sk-wrong-key-123');
  });

  it('no key where one is needed: unauthorized asking for it', async () => {
    const { backend } = await setup({ apiKey: 'sk-right' });
    const e = await failure(backend.listModels());
    expect(e.kind).toBe('unauthorized');
    expect(e.message).toContain('needs an API key');
  });

  it('an unknown model: model-not-found', async () => {
    const { backend } = await setup({}, { model: 'nope' });
    const e = await failure(backend.complete({ prompt: 'x', options: GREEDY }));
    expect(e.kind).toBe('model-not-found');
    expect(e.message).toContain('"nope"');
  });

  it('a stream that ends without finish_reason or [DONE]: stream-cut', async () => {
    const { backend } = await setup({ cutAfterTokens: 4 });
    expect(await failure(backend.complete({ prompt: 'We propose a', options: GREEDY }))).toMatchObject({ kind: 'stream-cut', partialText: ' novel method for text' });
  });

  it('scores a text from echoed prompt log-probabilities (the first token has no context)', async () => {
    const { fake, backend } = await setup();
    const text = 'We propose a method.';
    const s = await backend.scorePrompt(text);
    // Pieces: "We", " propose", " a", " method." — the first is unscored.
    expect(s.tokens).toBe(3);
    expect(s.nllNats).toBeCloseTo(-3 * ECHO_LOGPROB, 9);
    expect(s.bytes).toBe(Buffer.byteLength(' propose a method.'));
    expect(fake.requests.at(-1)!.body).toMatchObject({ echo: true, logprobs: 0, stream: false });
  });
});
