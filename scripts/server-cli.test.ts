/** `npm run generate` / `npm run eval` with --server, as a user runs them: real processes against the fakes. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startFake, type Fake, type FakeKind, type FakeOptions } from '../tests/fakes/fake-server';
import { closedPort } from '../tests/fakes/helpers';
import { ECHO_LOGPROB } from '../tests/fakes/openai-fake';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr });
    });
  });
}

let fake: Fake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
const serve = async (kind: FakeKind, options: FakeOptions = {}) => (fake = await startFake(kind, options));

const tmp = mkdtempSync(join(tmpdir(), 'server-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const data = join(tmp, 'abstracts.jsonl');
// The second abstract continues as the fakes do after "on five " (tests/fakes/continuations.ts), where the writer starts.
writeFileSync(data, `${JSON.stringify({ abstract: 'We propose a novel method for text classification. We evaluate it.' })}\n${JSON.stringify({ abstract: 'We report results on five corpora and the data are shown in Table 1.' })}\n`);

describe('generate --server', () => {
  // The token count as each server reports it: OpenAI-compatible streams carry none (no usage without stream_options).
  it.each([
    ['ollama', ['--server-model', 'fake-llm'], '8 tokens'],
    ['llama.cpp', [], '8 tokens'],
    ['openai', ['--server-model', 'fake/fake-llm-1b'], '? tokens'],
  ] as const)('streams the completion from %s, its kind detected', async (kind, model, tokens) => {
    const f = await serve(kind);
    const r = await run('generate.ts', ['We propose a', '--server', f.url, ...model, '--temperature', '0']);
    expect(r.stderr).toContain(`server: ${kind} at ${f.origin}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(' novel method for text classification. We evaluate\n');
    expect(r.stderr).toContain(`${tokens}, stop: eos`);
  });

  it('sends the sampling flags in the server\'s own names', async () => {
    const f = await serve('ollama');
    const r = await run('generate.ts', ['We propose a', '--server', f.url, '--server-kind', 'ollama', '--server-model', 'fake-llm', '--top-k', '7', '--max-new-tokens', '2', '--stop-at-sentence-end']);
    expect(r.stdout).toBe(' novel method\n');
    expect(f.requests.find((q) => q.path === '/api/generate' && q.body.prompt === 'We propose a')!.body.options).toMatchObject({ top_k: 7, num_predict: 2 });
  });

  it('server down: exit 1, asking whether it runs', async () => {
    const r = await run('generate.ts', ['hi', '--server', `http://127.0.0.1:${await closedPort()}`, '--server-kind', 'ollama', '--server-model', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is the Ollama running?');
  });

  it('model missing: exit 1, naming `ollama pull`', async () => {
    const f = await serve('ollama');
    const r = await run('generate.ts', ['hi', '--server', f.url, '--server-model', 'llama9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('`ollama pull llama9`');
  });

  it('wrong key: exit 1, saying the key was refused', async () => {
    const f = await serve('openai', { apiKey: 'sk-right' });
    const r = await run('generate.ts', ['hi', '--server', f.url, '--server-model', 'fake/fake-llm-1b', '--api-key', 'sk-wrong']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refused the API key (401)');
  });

  it('a stream cut mid-way: what came stays on stdout, exit 1 says the connection closed', async () => {
    const f = await serve('llama.cpp', { cutAfterTokens: 2 });
    const r = await run('generate.ts', ['The results show', '--server', f.url, '--server-kind', 'llama.cpp']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(' that the\n');
    expect(r.stderr).toContain('closed the connection in the middle of the answer');
  });

  it.each([
    [['hi', '--server-kind', 'ollama'], '--server-kind goes with --server URL'],
    [['hi', '--server', 'http://127.0.0.1:1', '--server-kind', 'tgi'], '--server-kind must be ollama, llama.cpp, openai, got "tgi"'],
    [['hi', '--server', 'http://127.0.0.1:1', '--threads', '2'], '--threads is for the bundled model'],
  ])('usage errors exit 2: %j', async (args, message) => {
    const r = await run('generate.ts', args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('no --server-model for a server with several models: exit 2, listing them', async () => {
    const f = await serve('ollama', { models: ['a:latest', 'b:latest'] });
    const r = await run('generate.ts', ['hi', '--server', f.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the server has: a:latest, b:latest');
  });
});

describe('eval --server', () => {
  it('bits per byte from echoed prompt log-probabilities (OpenAI-compatible)', async () => {
    const f = await serve('openai');
    const r = await run('eval.ts', ['--data', data, '--server', f.url, '--server-model', 'fake/fake-llm-1b']);
    expect(r.code).toBe(0);
    const lines = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(': ')));
    // 11 + 14 words, the first of each unscored.
    expect(Number(lines.tokens)).toBe(23);
    expect(Number(lines.nll_nats)).toBeCloseTo(-23 * ECHO_LOGPROB, 3);
    expect(lines.runtime).toBe('openai');
  });

  it('bits per byte through Ollama: exit 1 explaining why, pointing to the keystroke metric', async () => {
    const f = await serve('ollama');
    const r = await run('eval.ts', ['--data', data, '--server', f.url, '--server-model', 'fake-llm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bits per byte cannot be measured');
    expect(r.stderr).toContain('keystroke');
  });

  it('keystrokes through a server: the simulated writer accepts the server\'s ghost text', async () => {
    const f = await serve('llama.cpp');
    const r = await run('eval.ts', ['--metric', 'keystrokes', '--data', data, '--server', f.url]);
    expect(r.stderr).toContain('server: llama.cpp');
    expect(r.code).toBe(0);
    const saving = Number(/keystroke_saving: ([\d.]+)/.exec(r.stdout)![1]);
    expect(saving).toBeGreaterThan(0);
    expect(f.requests.some((q) => q.path === '/completion')).toBe(true);
  });
});
