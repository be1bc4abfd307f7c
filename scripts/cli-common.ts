/**
 * What the engine CLIs share: the default model location, flag parsing into
 * numbers, reading .jsonl data files, the --server flags, and turning any failure
 * into one line on stderr with a non-zero exit code (a stack trace helps nobody who
 * mistyped a flag).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { connectServer } from '../lib/backends/create';
import { SERVER_KINDS, type Backend, type ServerKind } from '../lib/backends/types';

export const DEFAULT_MODEL_DIR = fileURLToPath(new URL('../public/models/abstract-gpt', import.meta.url));

export class UsageError extends Error {}

export function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, got "${value}"`);
  return n;
}

export function integerFlag(flag: string, value: string | undefined): number | undefined {
  const n = numberFlag(flag, value);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number, got "${value}"`);
  return n;
}

/** The parsed lines of a .jsonl or .jsonl.gz file (blank lines skipped), with their 1-based line numbers. */
export async function readJsonl(file: string): Promise<Array<{ line: number; row: unknown }>> {
  const raw = await readFile(file).catch((e: any) => {
    throw new UsageError(e?.code === 'ENOENT' ? `data file not found: ${file}` : `cannot read ${file}: ${e?.message ?? e}`);
  });
  let text: string;
  try {
    text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  } catch {
    throw new UsageError(`${file} is not a valid gzip file`);
  }
  const rows: Array<{ line: number; row: unknown }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    try {
      rows.push({ line: i + 1, row: JSON.parse(lines[i]) });
    } catch {
      throw new UsageError(`${file} line ${i + 1} is not valid JSON`);
    }
  }
  return rows;
}

export function stderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Runs main; any error becomes "error: <first line>" and exit code 2 (usage) or 1. */
export async function runCli(main: () => Promise<void>, usage: string): Promise<void> {
  try {
    await main();
  } catch (e: any) {
    const message = String(e?.message ?? e).split('\n')[0];
    const isUsage = e instanceof UsageError || e?.code?.startsWith?.('ERR_PARSE_ARGS');
    stderr(`error: ${message}`);
    if (isUsage) stderr(usage);
    process.exitCode = isUsage ? 2 : 1;
  }
}

/**
 * --server URL [--server-kind ollama|llama.cpp|openai] [--server-model NAME] [--api-key KEY]:
 * the same CLIs through a model server (lib/backends). Spread into parseArgs options.
 */
export const SERVER_FLAGS = {
  server: { type: 'string' },
  'server-kind': { type: 'string' },
  'server-model': { type: 'string' },
  'api-key': { type: 'string' },
} as const;

export const SERVER_USAGE = '--server URL [--server-kind ollama|llama.cpp|openai] [--server-model NAME] [--api-key KEY]';

type ServerFlagValues = { server?: string; 'server-kind'?: string; 'server-model'?: string; 'api-key'?: string };

/**
 * The server backend the flags name, its kind detected when not given; undefined
 * without --server. Flags that need --server, an unknown kind and a missing model
 * are usage errors; a server that is down, a missing model or a wrong key reject
 * with the backend's BackendError (its message says what to do).
 */
export async function serverFromFlags(values: ServerFlagValues): Promise<Backend | undefined> {
  if (values.server === undefined) {
    const stray = (['server-kind', 'server-model', 'api-key'] as const).find((f) => values[f] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --server URL`);
    return undefined;
  }
  const kind = values['server-kind'];
  if (kind !== undefined && !SERVER_KINDS.includes(kind as ServerKind)) throw new UsageError(`--server-kind must be ${SERVER_KINDS.join(', ')}, got "${kind}"`);
  const model = values['server-model'] ?? '';
  const backend = await connectServer({ url: values.server, kind: kind as ServerKind | undefined, model, apiKey: values['api-key'] });
  if (model === '' && backend.kind !== 'llama.cpp') {
    const names = (await backend.listModels()).map((m) => m.name);
    throw new UsageError(`--server-model NAME is required for ${backend.kind}; the server has: ${names.join(', ') || 'no models'}`);
  }
  // Reachability, the model's presence and the key, checked before any work, each with its own message.
  await backend.testConnection();
  return backend;
}

/** One stderr line naming where text goes. */
export const describeServer = (b: Backend) => `server: ${b.kind} at ${b.origin}, model ${b.model || '(its one model)'}`;
