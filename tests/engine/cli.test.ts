/** The CLIs as a user runs them: real processes, real fixtures, exit codes and messages. */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../lib/engine/index';
import { TINY } from './fixtures';
import { suggest } from '../../lib/suggest/suggester';
import { keystrokeSaving, simulateWriter, suggestionPrecision } from '../../lib/suggest/simulated-writer';
import { spread } from '../../scripts/writer-records';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function run(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, [join(ROOT, 'scripts', script), ...args], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'engine-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixture with one thing broken. */
function brokenModel(name: string, breakIt: (dir: string) => void): string {
  const dir = join(tmp, name);
  cpSync(TINY, dir, { recursive: true });
  breakIt(dir);
  return dir;
}

describe('generate CLI', () => {
  it('prints only the completion on stdout, diagnostics on stderr', async () => {
    const r = await run('generate.ts', ['We propose a', '--model', TINY, '--temperature', '0', '--max-new-tokens', '5', '--no-token-healing', '--precision', 'fp32']);
    expect(r.code).toBe(0);
    const engine = await loadEngine(TINY, { precision: 'fp32' });
    const expected = await engine.generate('We propose a', { maxNewTokens: 5, temperature: 0, topP: 0.9, topK: 40, repetitionPenalty: 1.2, stopAtSentenceEnd: false, tokenHealing: false });
    await engine.dispose();
    expect(r.stdout).toBe(`${expected.text}\n`);
    expect(r.stderr).toContain('tiny-gpt2');
    expect(r.stderr).toContain('5 tokens');
  });

  it('runs with two WASM threads and gives the same greedy text', async () => {
    const args = ['We propose a', '--model', TINY, '--temperature', '0', '--max-new-tokens', '8'];
    const [one, two] = [await run('generate.ts', [...args, '--threads', '1']), await run('generate.ts', [...args, '--threads', '2'])];
    expect(one.stderr).toContain('1 thread)');
    expect(two.stderr).toContain('2 threads)');
    expect(two.stdout).toBe(one.stdout);
  });

  it.each([
    [['', '--model', TINY], 2, 'error: prompt is empty'],
    [['hi', '--model', TINY, '--temperature', '3'], 1, 'error: invalid setting: temperature must be a number from 0 to 2'],
    [['hi', '--model', TINY, '--top-k', '100000'], 1, 'error: invalid setting: topK must be a whole number from 0 to 384'],
    [['hi', '--model', TINY, '--max-new-tokens', 'lots'], 2, 'error: --max-new-tokens must be a number, got "lots"'],
    [['hi', '--model', '/nonexistent/model'], 1, 'error: model not found at /nonexistent/model'],
    [['hi', '--bogus'], 2, "error: Unknown option '--bogus'"],
  ])('rejects %j with exit code %i and one line', async (args, code, message) => {
    const r = await run('generate.ts', args);
    expect(r.code).toBe(code);
    expect(r.stderr.split('\n')[0].startsWith(message)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
  });

  it('names a corrupt ONNX file', async () => {
    const dir = brokenModel('corrupt', (d) => writeFileSync(join(d, 'onnx/model_quantized.onnx'), 'this is not a protobuf'));
    const r = await run('generate.ts', ['hi', '--model', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: model file onnx\/model_quantized\.onnx is not a valid ONNX model/);
  });

  it('names a missing tokenizer', async () => {
    const dir = brokenModel('no-tokenizer', (d) => rmSync(join(d, 'tokenizer.json')));
    const r = await run('generate.ts', ['hi', '--model', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: tokenizer not found: .* has no tokenizer\.json/);
  });

  it('names missing ONNX files', async () => {
    const dir = brokenModel('no-onnx', (d) => rmSync(join(d, 'onnx'), { recursive: true }));
    const r = await run('generate.ts', ['hi', '--model', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: no ONNX model in .* \(looked for onnx\/model_quantized\.onnx/);
  });
});

describe('eval CLI', () => {
  const abstracts = ['We propose a method.', 'Naïve Bayes in Zürich costs 3.14 units.', 'A third abstract, a little longer than the others.'];
  const jsonl = join(tmp, 'abstracts.jsonl');
  writeFileSync(jsonl, abstracts.map((a, i) => JSON.stringify({ id: i, abstract: a })).join('\n') + '\n');
  const gz = join(tmp, 'abstracts.jsonl.gz');
  writeFileSync(gz, gzipSync(abstracts.map((a) => JSON.stringify({ abstract: a })).join('\n')));

  it('prints bits per byte of the int8 model as its last line, equal to the engine sum', async () => {
    const r = await run('eval.ts', ['--data', jsonl, '--model', TINY, '--limit', '2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toContain('model_file: onnx/model_quantized.onnx');
    const bpb = Number(lines[lines.length - 1].replace('bits_per_byte: ', ''));
    const engine = await loadEngine(TINY);
    let nats = 0;
    let bytes = 0;
    for (const a of abstracts.slice(0, 2)) {
      const s = await engine.score(a);
      nats += s.nllNats;
      bytes += s.bytes;
    }
    await engine.dispose();
    expect(lines[lines.length - 1]).toMatch(/^bits_per_byte: \d+\.\d{6}$/);
    expect(bpb).toBeCloseTo(nats / Math.LN2 / bytes, 5);
    expect(r.stderr).toContain('[2/2]');
  });

  it('reads .jsonl.gz and evaluates fp32 on request', async () => {
    const plain = await run('eval.ts', ['--data', jsonl, '--model', TINY, '--precision', 'fp32']);
    const zipped = await run('eval.ts', ['--data', gz, '--model', TINY, '--precision', 'fp32']);
    expect(zipped.code).toBe(0);
    expect(zipped.stdout).toContain('model_file: onnx/model.onnx');
    expect(zipped.stdout.trim().split('\n').pop()).toBe(plain.stdout.trim().split('\n').pop());
  });

  it.each([
    [['--model', TINY], 'error: --data FILE is required'],
    [['--data', join(tmp, 'missing.jsonl'), '--model', TINY], 'error: data file not found'],
    [['--data', jsonl, '--model', TINY, '--precision', 'fp16'], 'error: --precision must be int8 or fp32, got "fp16"'],
  ])('rejects %j with one line', async (args, message) => {
    const r = await run('eval.ts', args);
    expect(r.code).toBe(2);
    expect(r.stderr.startsWith(message)).toBe(true);
  });

  it('names the line of a row without an abstract', async () => {
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ abstract: 'ok' })}\n${JSON.stringify({ title: 'no abstract' })}\n`);
    const r = await run('eval.ts', ['--data', bad, '--model', TINY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 2 has no "abstract" or "text" string');
  });

  it('refuses a row with both "abstract" and "text", as the keystroke eval does (one reader for both metrics)', async () => {
    const both = join(tmp, 'both.jsonl');
    writeFileSync(both, `${JSON.stringify({ abstract: 'ok', text: 'also' })}\n`);
    const r = await run('eval.ts', ['--data', both, '--model', TINY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 1 has both "abstract" and "text"');
  });

  it('scores a paper-body paragraph ("text") exactly as the same string given as an abstract', async () => {
    const para = 'In this section, we describe the training objective and the data used in all experiments.';
    const asText = join(tmp, 'body.jsonl');
    const asAbstract = join(tmp, 'body-as-abstract.jsonl');
    writeFileSync(asText, `${JSON.stringify({ text: para, context: '\\section{Method}' })}\n`);
    writeFileSync(asAbstract, `${JSON.stringify({ abstract: para })}\n`);
    const [a, b] = await Promise.all([run('eval.ts', ['--data', asText, '--model', TINY]), run('eval.ts', ['--data', asAbstract, '--model', TINY])]);
    expect(a.code).toBe(0);
    const last = (r: { stdout: string }) => r.stdout.trim().split('\n').pop();
    expect(last(a)).toMatch(/^bits_per_byte: [0-9.]+$/);
    expect(last(a)).toBe(last(b));
  });
});

describe('eval CLI, --metric keystrokes', () => {
  const text = 'We propose a new method for learning representations of scientific text, and we show that it works well.';
  const jsonl = join(tmp, 'writer.jsonl');
  writeFileSync(jsonl, `${JSON.stringify({ title: 't', abstract: text })}\n`);

  it('reads a .jsonl file and ends with the saving and precision the simulated writer gets from suggest()', async () => {
    const r = await run('eval.ts', ['--metric', 'keystrokes', '--data', jsonl, '--model', TINY]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    for (const key of ['suggestions_per_100_chars', 'latency_p50_ms', 'latency_p95_ms']) expect(lines.some((l) => l.startsWith(`${key}: `))).toBe(true);
    expect(lines.at(-2)).toMatch(/^keystroke_saving: \d\.\d{4}$/);
    expect(lines.at(-1)).toMatch(/^suggestion_precision: \d\.\d{4}$/);
    // The same accounting in this process, through the same suggest() and default settings.
    const engine = await loadEngine(TINY, { threads: 1 });
    const tally = await simulateWriter(text, async (typed) => (await suggest(engine, typed, { count: 1, cacheKey: 'writer' }))[0]?.text ?? '');
    await engine.dispose();
    expect(lines.at(-2)).toBe(`keystroke_saving: ${keystrokeSaving(tally).toFixed(4)}`);
    expect(lines.at(-1)).toBe(`suggestion_precision: ${suggestionPrecision(tally).toFixed(4)}`);
  });

  it('reads text + context records and reports each --data file as one row of one table, the context seen but not typed', async () => {
    const context = '\\section{Method}\n\nWe study how models learn representations of text.\n\n';
    const body = 'Our method trains a small model on scientific text \\cite{smith2020} and we show that it works.';
    const bodies = join(tmp, 'bodies.jsonl');
    writeFileSync(bodies, `${JSON.stringify({ text: body, context, repo: 'r' })}\n`);
    const r = await run('eval.ts', ['--metric', 'keystrokes', '--data', jsonl, '--data', bodies, '--model', TINY]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.filter((l) => /^\| (writer|bodies) \| 1 \|/.test(l))).toHaveLength(2);
    expect(lines).toContain('data: bodies');
    const engine = await loadEngine(TINY, { threads: 1 });
    const asked: string[] = [];
    const tally = await simulateWriter(
      body,
      async (before) => {
        asked.push(before);
        return (await suggest(engine, before, { count: 1, cacheKey: 'writer' }))[0]?.text ?? '';
      },
      { context },
    );
    await engine.dispose();
    expect(asked.every((a) => a.startsWith(context))).toBe(true);
    expect(tally.held).toBeGreaterThan(0); // inside \cite{…}
    expect(lines).toContain(`characters: ${tally.chars}`);
    expect(lines.at(-2)).toBe(`keystroke_saving: ${keystrokeSaving(tally).toFixed(4)}`);
    expect(lines.at(-1)).toBe(`suggestion_precision: ${suggestionPrecision(tally).toFixed(4)}`);
  });

  it('--every K evaluates every K-th abstract from index K/2 (a sample spread over the file), --limit capping how many', async () => {
    const texts = ['First abstract about graph neural networks and their training.', 'Second abstract on diffusion models for image generation tasks.', 'Third abstract studying reinforcement learning with sparse rewards.', 'Fourth abstract proposing a new benchmark for code generation models.'];
    const file = join(tmp, 'spread.jsonl');
    writeFileSync(file, texts.map((abstract) => JSON.stringify({ abstract })).join('\n'));
    expect(spread(texts, 2, Infinity)).toEqual([texts[1], texts[3]]);
    expect(spread(texts, 3, 1)).toEqual([texts[1]]);
    const r = await run('eval.ts', ['--metric', 'keystrokes', '--data', file, '--model', TINY, '--every', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('texts: 2');
    const none = await run('eval.ts', ['--metric', 'keystrokes', '--data', file, '--model', TINY, '--every', '9']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--every 9 leaves no records');
  });

  it('--sweep prints one row per setting; a stricter cut shows fewer suggestions', async () => {
    const r = await run('eval.ts', ['--metric', 'keystrokes', '--data', jsonl, '--model', TINY, '--sweep', '0.05,0.5']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').filter((l) => /^\| 0\.\d+ \|/.test(l));
    expect(rows).toHaveLength(2);
    const perHundred = rows.map((l) => Number(l.split('|').at(-2)));
    expect(perHundred[1]).toBeLessThanOrEqual(perHundred[0]);
  });
});
