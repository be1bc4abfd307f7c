/**
 * Bits per byte of the model on a JSONL file of abstracts or paper-body paragraphs (one JSON
 * object per line with an "abstract" or "text" string; .jsonl.gz works too). Progress goes to
 * stderr; the last stdout line is "bits_per_byte: X".
 *   npm run eval -- --data FILE.jsonl [--limit N] [--model DIR] [--precision int8|fp32] [--threads N]
 *                   [--runtime ours|transformersjs]
 * --runtime transformersjs scores the same files with transformers.js on its Node
 * default, native onnxruntime-node, whose int8 kernels differ per CPU (VNNI,
 * AVX2, ARM), where ours (onnxruntime-web WASM) computes alike on every CPU.
 * Same protocol either way: the engine's windows and per-token NLL.
 * With --metric keystrokes, the simulated writer instead (scripts/keystrokes-eval.ts), on records
 * with an "abstract" or a "text" and an optional "context" (scripts/writer-records.ts).
 * With --server URL [--server-kind K] [--server-model NAME] [--api-key KEY], both
 * metrics run through that model server (lib/backends): keystrokes always, bits
 * per byte where it returns the log-probabilities of the text sent (OpenAI-compatible
 * servers with `echo`; Ollama and llama.cpp give them only for generated tokens,
 * so there it exits 1 saying so). A server cannot score a text's first token (no context).
 */
import { parseArgs } from 'node:util';
import { loadEngine } from '../lib/engine/index';
import type { Scorer } from '../bench/lib/transformersjs-scorer';
import type { Backend } from '../lib/backends/types';
import { DEFAULT_MODEL_DIR, SERVER_FLAGS, SERVER_USAGE, UsageError, integerFlag, runCli, serverFromFlags, stderr } from './cli-common';
import { keystrokesMain } from './keystrokes-eval';
import { readWriterRecords } from './writer-records';

const USAGE =
  'usage: npm run eval -- --data FILE.jsonl[.gz] [--limit N] [--model DIR] [--precision int8|fp32] [--threads N] [--runtime ours|transformersjs]\n' +
  '       npm run eval -- --metric keystrokes --data FILE.jsonl[.gz] [--every K] [--limit N] [--data FILE2 [--every K] [--limit N] …] [--model DIR] [--threads N] [--sweep C1,C2,… [--sweep-words W1,…]]\n' +
  `       npm run eval -- [--metric keystrokes] --data FILE.jsonl[.gz] [--limit N] ${SERVER_USAGE}`;

async function oursScorer(dir: string, precision: 'quantized' | 'fp32', threads: number | undefined): Promise<Scorer> {
  const engine = await loadEngine(dir, { precision, threads });
  if (precision === 'quantized' && !engine.info.modelFile.includes('quantized')) {
    stderr(`warning: no quantized model found, evaluating ${engine.info.modelFile}`);
  }
  return { modelFile: engine.info.modelFile, score: (t) => engine.score(t), dispose: () => engine.dispose() };
}

/** A model server's prompt log-probabilities (Backend.scorePrompt); rejects with 'unsupported' where it has none. */
function serverScorer(backend: Backend): Scorer {
  return { modelFile: `${backend.origin} ${backend.model}`, score: (t) => backend.scorePrompt(t), dispose: () => backend.dispose() };
}

/** The texts to score: the records the keystroke eval types (abstracts or paper-body paragraphs), their context left out. */
async function readAbstracts(file: string, limit: number): Promise<string[]> {
  return (await readWriterRecords(file)).slice(0, limit).map((record) => record.text);
}

async function main(): Promise<void> {
  const metric = parseArgs({ options: { metric: { type: 'string' } }, strict: false }).values.metric ?? 'bits-per-byte';
  if (metric === 'keystrokes') return keystrokesMain();
  if (metric !== 'bits-per-byte') throw new UsageError(`--metric must be bits-per-byte or keystrokes, got "${String(metric)}"`);
  const { values } = parseArgs({
    options: {
      metric: { type: 'string' },
      data: { type: 'string' },
      limit: { type: 'string' },
      model: { type: 'string' },
      precision: { type: 'string' },
      threads: { type: 'string' },
      runtime: { type: 'string' },
      ...SERVER_FLAGS,
    },
  });
  if (!values.data) throw new UsageError('--data FILE is required');
  const limit = integerFlag('limit', values.limit) ?? Infinity;
  if (limit < 1) throw new UsageError('--limit must be at least 1');
  const precisionFlag = values.precision ?? 'int8';
  if (!['int8', 'quantized', 'fp32'].includes(precisionFlag)) throw new UsageError(`--precision must be int8 or fp32, got "${precisionFlag}"`);
  const precision = precisionFlag === 'fp32' ? 'fp32' : 'quantized';
  const runtime = values.runtime ?? 'ours';
  if (!['ours', 'transformersjs'].includes(runtime)) throw new UsageError(`--runtime must be ours or transformersjs, got "${runtime}"`);

  const abstracts = await readAbstracts(values.data, limit);
  const dir = values.model ?? DEFAULT_MODEL_DIR;
  const threads = integerFlag('threads', values.threads);
  const server = await serverFromFlags(values);
  // transformers.js loads only when asked: it is a separate install (scripts/ensure-transformersjs.sh)
  const scorer = server
    ? serverScorer(server)
    : runtime === 'ours'
      ? await oursScorer(dir, precision, threads)
      : await (await import('../bench/lib/transformersjs-scorer')).transformersjsScorer(dir, precision, threads);
  const through = server ? server.kind : runtime;
  stderr(`model: ${server ? server.model : dir} (${scorer.modelFile}) through ${through}, ${abstracts.length} abstracts`);
  let nats = 0;
  let bytes = 0;
  let tokens = 0;
  const started = Date.now();
  try {
    for (let i = 0; i < abstracts.length; i++) {
      const s = await scorer.score(abstracts[i]);
      nats += s.nllNats;
      bytes += s.bytes;
      tokens += s.tokens;
      if ((i + 1) % 10 === 0 || i + 1 === abstracts.length) {
        stderr(`[${i + 1}/${abstracts.length}] bits/byte so far ${(nats / Math.LN2 / Math.max(1, bytes)).toFixed(4)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
  } finally {
    await scorer.dispose();
  }
  if (bytes === 0) throw new UsageError('the abstracts are all empty');
  console.log(`model_file: ${scorer.modelFile}`);
  console.log(`runtime: ${through}`);
  console.log(`abstracts: ${abstracts.length}`);
  console.log(`tokens: ${tokens}`);
  console.log(`bytes: ${bytes}`);
  console.log(`nll_nats: ${nats.toFixed(4)}`);
  console.log(`bits_per_byte: ${(nats / Math.LN2 / bytes).toFixed(6)}`);
}

await runCli(main, USAGE);
