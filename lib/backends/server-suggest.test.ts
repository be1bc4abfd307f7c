/** Inline suggestions through a server: the confidence cut from logprobs, none without, the budget, cancel. */
import { describe, expect, it } from 'vitest';
import { useFake } from '../../tests/fakes/helpers';
import { cutToken, SUGGEST_TOP_LOGPROBS } from './server-suggest';

const fakes = { ollama: useFake('ollama'), 'llama.cpp': useFake('llama.cpp'), openai: useFake('openai') };

describe('cutToken', () => {
  it('turns a log-probability into a probability and sums the alternatives that start a word', () => {
    const t = cutToken({ text: ' method', logprob: Math.log(0.6), top: [{ text: ' method', logprob: Math.log(0.6) }, { text: ' way', logprob: Math.log(0.2) }, { text: 's', logprob: Math.log(0.1) }] });
    expect(t.probability).toBeCloseTo(0.6, 9);
    expect(t.spaceProbability).toBeCloseTo(0.8, 9);
  });

  it('counts the chosen token when a truncated top list lacks it', () => {
    const t = cutToken({ text: ' x', logprob: Math.log(0.05), top: [{ text: ' y', logprob: Math.log(0.5) }] });
    expect(t.spaceProbability).toBeCloseTo(0.55, 9);
  });
});

describe.each(['ollama', 'llama.cpp', 'openai'] as const)('suggest through %s', (kind) => {
  it('cuts the ghost text by confidence from the logprobs, and stops the request once decided', async () => {
    const { fake, backend } = await fakes[kind].setup({ tokenDelayMs: 100 });
    const updates: string[] = [];
    const [ghost, ...rest] = await backend.suggest('We propose a', { onUpdate: (g) => updates.push(g) });
    expect(rest).toEqual([]);
    // " text" (p = 0.3) takes the joint below the default 0.4: three words are shown.
    expect(ghost.text).toBe(' novel method for ');
    expect(ghost.confidence).toBeCloseTo(0.9 * 0.85 * 0.86 * 0.75, 6);
    expect(updates).toEqual([' novel ', ' novel method ', ' novel method for ']);
    const req = fake.requests.at(-1)!;
    await req.finished;
    expect(req.clientClosedEarly).toBe(true);
  });

  it('greedy, 20 tokens for 6 words, with top alternatives asked for', async () => {
    const { fake, backend } = await fakes[kind].setup();
    await backend.suggest('We propose a');
    const body = fake.requests.at(-1)!.body;
    const sampling = body.options ?? body;
    expect(sampling.temperature).toBe(0);
    expect(sampling.num_predict ?? sampling.n_predict ?? sampling.max_tokens).toBe(20);
    // Ollama top_logprobs, llama.cpp n_probs, OpenAI logprobs: the alternatives the word-end estimate needs.
    expect(body.top_logprobs ?? body.n_probs ?? body.logprobs).toBe(SUGGEST_TOP_LOGPROBS);
  });
});

describe('suggest without logprobs', () => {
  it('shows whole words up to the sentence end, confidence undefined', async () => {
    const { backend } = await fakes.ollama.setup({ logprobs: false });
    expect(await backend.suggest('We propose a')).toEqual([{ text: ' novel method for text classification. ', confidence: undefined }]);
  });
});

describe('suggest budget and cancel', () => {
  it('shows nothing when the first word is not decided within the budget, and closes the request', async () => {
    const { fake, backend } = await fakes['llama.cpp'].setup({ tokenDelayMs: 150 });
    await backend.capabilities(); // probed once per backend: the budget then covers the completion alone
    expect(await backend.suggest('We propose a', { budgetMs: 100 })).toEqual([]);
    const req = fake.requests.find((q) => q.path === '/completion')!;
    await req.finished;
    expect(req.clientClosedEarly).toBe(true);
  });

  it('a caller abort (the next keystroke) gives [] and closes the request', async () => {
    const { fake, backend } = await fakes.openai.setup({ tokenDelayMs: 100 });
    const controller = new AbortController();
    const pending = backend.suggest('We propose a', { signal: controller.signal, onUpdate: () => controller.abort() });
    expect(await pending).toEqual([]);
    await fake.requests.at(-1)!.finished;
    expect(fake.requests.at(-1)!.clientClosedEarly).toBe(true);
  });

  it('text after the caret reaches an infill server', async () => {
    const { fake, backend } = await fakes['llama.cpp'].setup();
    await backend.suggest('We propose a', { suffix: ' for parsing.' });
    expect(fake.requests.at(-1)!.body).toMatchObject({ input_prefix: 'We propose a', input_suffix: ' for parsing.' });
  });

  it('an empty text asks nothing', async () => {
    const { fake, backend } = await fakes.ollama.setup();
    expect(await backend.suggest('   ')).toEqual([]);
    expect(fake.requests).toEqual([]);
  });
});
