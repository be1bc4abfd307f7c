/**
 * Completes a prompt with the engine, streaming only the new text to stdout.
 *   npm run generate -- "We propose a method to" [--max-new-tokens N] [--temperature T]
 *     [--top-p P] [--top-k K] [--repetition-penalty R] [--seed S] [--model DIR]
 *     [--no-token-healing] [--stop-at-sentence-end] [--threads N] [--precision fp32]
 * With --server URL [--server-kind K] [--server-model NAME] [--api-key KEY], the
 * same sampling settings go to that model server instead (lib/backends).
 */
import { parseArgs } from 'node:util';
import type { Backend } from '../lib/backends/types';
import { loadEngine, parseSamplingOptions, type SamplingOptions } from '../lib/engine/index';
import { DEFAULT_MODEL_DIR, SERVER_FLAGS, SERVER_USAGE, UsageError, describeServer, integerFlag, numberFlag, runCli, serverFromFlags, stderr } from './cli-common';

const USAGE =
  'usage: npm run generate -- "PROMPT" [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K] ' +
  '[--repetition-penalty R] [--seed S] [--model DIR] [--no-token-healing] [--stop-at-sentence-end] [--threads N] [--precision quantized|fp32]\n' +
  `       npm run generate -- "PROMPT" ${SERVER_USAGE} [the sampling flags]`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'max-new-tokens': { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      'top-k': { type: 'string' },
      'repetition-penalty': { type: 'string' },
      seed: { type: 'string' },
      model: { type: 'string' },
      'no-token-healing': { type: 'boolean' },
      'stop-at-sentence-end': { type: 'boolean' },
      threads: { type: 'string' },
      precision: { type: 'string' },
      ...SERVER_FLAGS,
    },
  });
  if (positionals.length > 1) throw new UsageError('give the prompt as one quoted argument');
  const prompt = positionals[0] ?? '';
  if (prompt.trim() === '') throw new UsageError('prompt is empty');
  const precision = values.precision ?? 'quantized';
  if (precision !== 'quantized' && precision !== 'fp32') throw new UsageError(`--precision must be quantized or fp32, got "${precision}"`);

  const given: Partial<SamplingOptions> = {
    maxNewTokens: numberFlag('max-new-tokens', values['max-new-tokens']),
    temperature: numberFlag('temperature', values.temperature),
    topP: numberFlag('top-p', values['top-p']),
    topK: numberFlag('top-k', values['top-k']),
    repetitionPenalty: numberFlag('repetition-penalty', values['repetition-penalty']),
    seed: integerFlag('seed', values.seed),
    tokenHealing: values['no-token-healing'] ? false : undefined,
    stopAtSentenceEnd: values['stop-at-sentence-end'] ? true : undefined,
  };
  // Settings are checked before the model loads, so a typo fails fast.
  const options = parseSamplingOptions(given);
  if (values.server !== undefined) {
    const local = (['model', 'threads', 'precision'] as const).find((f) => values[f] !== undefined);
    if (local) throw new UsageError(`--${local} is for the bundled model; with --server, name the model with --server-model`);
    const backend = (await serverFromFlags(values))!;
    return generateThrough(backend, prompt, options);
  }
  await serverFromFlags(values); // only rejects --server-kind / --server-model / --api-key without --server
  const threads = integerFlag('threads', values.threads);

  const engine = await loadEngine(values.model ?? DEFAULT_MODEL_DIR, { threads, precision });
  const { info } = engine;
  try {
    parseSamplingOptions(given, info.vocabSize); // topK's bound is only known now
  } catch (e) {
    await engine.dispose();
    throw e;
  }
  stderr(`model: ${info.name} (${info.modelFile}, ${(info.modelBytes / 1e6).toFixed(1)} MB, ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.draftTableEntries ? `, draft table ${info.draftTableEntries.toLocaleString('en')} entries` : ''})`);
  for (const warning of info.warnings) stderr(`warning: ${warning}`);
  try {
    const result = await engine.generate(prompt, options, { onDelta: (d) => process.stdout.write(d) });
    process.stdout.write('\n');
    const perSecond = result.tokens / Math.max(1e-3, (result.totalMs - result.timeToFirstTokenMs) / 1000);
    stderr(
      `${result.tokens} tokens, stop: ${result.stopReason}, first token ${result.timeToFirstTokenMs.toFixed(0)} ms, ` +
        `total ${result.totalMs.toFixed(0)} ms (${perSecond.toFixed(1)} tokens/s after the first)`,
    );
  } finally {
    await engine.dispose();
  }
}

/** Streams the server's completion to stdout; a failure mid-way leaves what came on stdout and says why on stderr. */
async function generateThrough(backend: Backend, prompt: string, options: SamplingOptions): Promise<void> {
  stderr(describeServer(backend));
  try {
    const result = await backend.complete({ prompt, options }, { onDelta: (d) => process.stdout.write(d) });
    process.stdout.write('\n');
    stderr(
      `${result.tokens ?? '?'} tokens, stop: ${result.stopReason}, first token ${result.timeToFirstTokenMs.toFixed(0)} ms, total ${result.totalMs.toFixed(0)} ms` +
        (result.logprobs ? ', with log-probabilities' : ''),
    );
  } catch (e) {
    process.stdout.write('\n');
    throw e;
  } finally {
    await backend.dispose();
  }
}

await runCli(main, USAGE);
