/**
 * Completes a prompt with the engine, streaming only the new text to stdout.
 *   npm run generate -- "We propose a method to" [--max-new-tokens N] [--temperature T]
 *     [--top-p P] [--top-k K] [--repetition-penalty R] [--seed S] [--model DIR]
 *     [--no-token-healing] [--stop-at-sentence-end] [--threads N] [--precision fp32]
 */
import { parseArgs } from 'node:util';
import { loadEngine, parseSamplingOptions, type SamplingOptions } from '../lib/engine/index';
import { DEFAULT_MODEL_DIR, UsageError, integerFlag, numberFlag, runCli, stderr } from './cli-common';

const USAGE =
  'usage: npm run generate -- "PROMPT" [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K] ' +
  '[--repetition-penalty R] [--seed S] [--model DIR] [--no-token-healing] [--stop-at-sentence-end] [--threads N] [--precision quantized|fp32]';

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

await runCli(main, USAGE);
