/**
 * What the keystroke eval types: records from .jsonl files (gzipped or not),
 * one data set per `--data` file, each with its own sample (--every / --limit).
 *
 * A record has the text to type, in `abstract` (the abstracts' files) or in
 * `text` (body paragraphs), and optionally `context`: the document before the
 * text as the editor has it (earlier paragraphs, headings, figures, and the
 * line breaks before the text), which the model sees and the writer does not
 * type. Other fields (title, repo, source) are ignored. PromptWindow is what
 * the model is given of a record's context and typed text.
 */
import { basename } from 'node:path';
import type { parseArgs } from 'node:util';
import { UsageError, integerFlag, readJsonl } from './cli-common';

export interface WriterRecord {
  text: string;
  context: string;
}

/** One record from one parsed line; `where` names the line in messages. */
export function toWriterRecord(row: unknown, where: string): WriterRecord {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new UsageError(`${where} is not a JSON object`);
  const r = row as Record<string, unknown>;
  const { abstract, text, context } = r;
  if (abstract !== undefined && text !== undefined) throw new UsageError(`${where} has both "abstract" and "text": which one to type is unclear`);
  const typed = text ?? abstract;
  if (typeof typed !== 'string') throw new UsageError(`${where} has no "abstract" or "text" string`);
  if (context !== undefined && typeof context !== 'string') throw new UsageError(`${where} has a "context" that is not a string`);
  return { text: typed, context: context ?? '' };
}

export async function readWriterRecords(file: string): Promise<WriterRecord[]> {
  const records = (await readJsonl(file)).map(({ line, row }) => toWriterRecord(row, `${file} line ${line}`));
  if (records.length === 0) throw new UsageError(`${file} has no records`);
  return records;
}

/**
 * Every `every`-th item, from the middle of the first block of `every`
 * (indices every/2, every/2 + every, …), at most `limit`: a sample spread over
 * the whole file. Files grouped by source (our validation split starts with
 * 249 ACL Anthology abstracts; the body paragraphs come repository by
 * repository) make their first N unlike the rest.
 */
export function spread<T>(items: T[], every: number, limit: number): T[] {
  const out: T[] = [];
  for (let i = Math.floor(every / 2); i < items.length && out.length < limit; i += every) out.push(items[i]);
  return out;
}

export interface DataSet {
  /** The file's name without its directory and .jsonl / .jsonl.gz: the row label. */
  name: string;
  file: string;
  every: number;
  limit: number;
}

type Tokens = NonNullable<ReturnType<typeof parseArgs>['tokens']>;

/**
 * The data sets, from the command line in order: each `--data FILE` starts a
 * set; `--every` and `--limit` after it apply to that file alone, before the
 * first `--data` to every file (so `--data a --every 100 --limit 12 --data b
 * --limit 40` samples each file its own way, and one file reads as before).
 */
export function dataSets(tokens: Tokens): DataSet[] {
  const defaults = { every: 1, limit: Infinity };
  const sets: DataSet[] = [];
  const names = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'data') {
      if (!t.value) throw new UsageError('--data needs a file');
      let name = basename(t.value).replace(/\.jsonl(\.gz)?$/, '');
      if (names.has(name)) name = t.value;
      names.add(name);
      sets.push({ name, file: t.value, ...defaults });
    } else if (t.name === 'every' || t.name === 'limit') {
      const n = integerFlag(t.name, t.value);
      if (n === undefined || n < 1) throw new UsageError(`--${t.name} must be at least 1`);
      (sets.at(-1) ?? defaults)[t.name] = n;
    }
  }
  if (sets.length === 0) throw new UsageError('--data FILE is required');
  return sets;
}

/** A set's records, sampled as its flags say. */
export async function readDataSet(set: DataSet): Promise<WriterRecord[]> {
  const all = await readWriterRecords(set.file);
  const records = spread(all, set.every, set.limit);
  if (records.length === 0) throw new UsageError(`--every ${set.every} leaves no records in ${set.file}`);
  return records;
}

/**
 * What the model is given of one record: the context and the text typed so
 * far (`before`, which only grows while the record is typed), cut to the
 * tokens that fit. A start that moved with every keystroke once a record
 * outgrows the window would make every suggestion re-read the whole window
 * (~0.25-0.9 s at one thread on our machine instead of a few tokens; paper
 * bodies with their context always outgrow it): a run would take hours. Here
 * the start moves `step` characters at a time (then on to the next word), to
 * the first such start whose text fits `budget` tokens, so the engine reuses
 * its KV cache between keystrokes. The extension moves its start in steps of
 * its own (lib/suggest/prompt-cut.ts, then the engine's fitPrompt strides),
 * so the two starts differ: the model sees the same kind of text, up to `step`
 * characters short of the window, never text the extension would not send.
 */
export class PromptWindow {
  private start = 0;
  private last = 0;

  constructor(
    private readonly countTokens: (text: string) => number,
    private readonly budget: number,
    private readonly step = 200,
  ) {}

  prompt(before: string): string {
    // A shorter text than last time is a new pass over the record (a sweep types it once per setting).
    if (before.length < this.last) this.start = 0;
    this.last = before.length;
    for (; ; this.start += this.step) {
      const text = this.start === 0 ? before : fromWord(before, this.start, this.step);
      if (this.countTokens(text) <= this.budget || this.start + this.step >= before.length) return text;
    }
  }
}

/** `text` from `start`, or from the next word's start when one begins within `step`. */
function fromWord(text: string, start: number, step: number): string {
  const word = text.slice(start).search(/\s\S/);
  return word < 0 || word >= step ? text.slice(start) : text.slice(start + word + 1);
}
