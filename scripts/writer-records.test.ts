import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PromptWindow, dataSets, readDataSet, readWriterRecords, toWriterRecord } from './writer-records';

const tmp = mkdtempSync(join(tmpdir(), 'writer-records-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tokensOf = (args: string[]) =>
  parseArgs({ args, options: { data: { type: 'string', multiple: true }, every: { type: 'string', multiple: true }, limit: { type: 'string', multiple: true } }, tokens: true }).tokens;

describe('writer records', () => {
  it('types an abstract or a text; the context is optional and not typed', () => {
    expect(toWriterRecord({ title: 't', abstract: 'An abstract.' }, 'f line 1')).toEqual({ text: 'An abstract.', context: '' });
    expect(toWriterRecord({ text: 'A paragraph.', context: '\\section{Intro}\n\n', repo: 'r' }, 'f line 1')).toEqual({ text: 'A paragraph.', context: '\\section{Intro}\n\n' });
  });

  it.each([
    [{ title: 'no text' }, 'f line 3 has no "abstract" or "text" string'],
    [{ text: 42 }, 'f line 3 has no "abstract" or "text" string'],
    [{ abstract: 'a', text: 'b' }, 'f line 3 has both "abstract" and "text"'],
    [{ text: 'b', context: ['x'] }, 'f line 3 has a "context" that is not a string'],
    [['text'], 'f line 3 is not a JSON object'],
    [null, 'f line 3 is not a JSON object'],
  ])('rejects %j naming the line', (row, message) => {
    expect(() => toWriterRecord(row, 'f line 3')).toThrow(message);
  });

  it('reads .jsonl and .jsonl.gz, skipping blank lines, and names the file line of a bad record', async () => {
    const lines = [JSON.stringify({ abstract: 'One.' }), '', JSON.stringify({ text: 'Two.', context: 'Before.\n\n' })];
    const plain = join(tmp, 'mixed.jsonl');
    const zipped = join(tmp, 'mixed.jsonl.gz');
    writeFileSync(plain, lines.join('\n'));
    writeFileSync(zipped, gzipSync(lines.join('\n')));
    const want = [
      { text: 'One.', context: '' },
      { text: 'Two.', context: 'Before.\n\n' },
    ];
    expect(await readWriterRecords(plain)).toEqual(want);
    expect(await readWriterRecords(zipped)).toEqual(want);
    const bad = join(tmp, 'bad.jsonl');
    writeFileSync(bad, `${lines[0]}\n\n${JSON.stringify({ repo: 'r' })}\n`);
    await expect(readWriterRecords(bad)).rejects.toThrow(`${bad} line 3 has no "abstract" or "text" string`);
    const empty = join(tmp, 'empty.jsonl');
    writeFileSync(empty, '\n');
    await expect(readWriterRecords(empty)).rejects.toThrow('has no records');
  });

  it('one data set per --data file; --every / --limit after it apply to it alone, before any --data to all', () => {
    expect(dataSets(tokensOf(['--data', 'a/valid.jsonl']))).toEqual([{ name: 'valid', file: 'a/valid.jsonl', every: 1, limit: Infinity }]);
    expect(dataSets(tokensOf(['--limit', '5', '--data', 'x.jsonl', '--data', 'b/bodies.jsonl.gz', '--every', '4', '--limit', '40']))).toEqual([
      { name: 'x', file: 'x.jsonl', every: 1, limit: 5 },
      { name: 'bodies', file: 'b/bodies.jsonl.gz', every: 4, limit: 40 },
    ]);
    // Two files with one name keep apart by their paths.
    expect(dataSets(tokensOf(['--data', 'a/v.jsonl', '--data', 'b/v.jsonl'])).map((s) => s.name)).toEqual(['v', 'b/v.jsonl']);
    expect(() => dataSets(tokensOf(['--every', '2']))).toThrow('--data FILE is required');
    expect(() => dataSets(tokensOf(['--data', 'a.jsonl', '--limit', '0']))).toThrow('--limit must be at least 1');
    expect(() => dataSets(tokensOf(['--data', 'a.jsonl', '--every', '1.5']))).toThrow('--every must be a whole number');
  });

  it("samples a set as its flags say, and says when nothing is left", async () => {
    const file = join(tmp, 'five.jsonl');
    writeFileSync(file, ['a', 'b', 'c', 'd', 'e'].map((text) => JSON.stringify({ text })).join('\n'));
    const texts = async (every: number, limit: number) => (await readDataSet({ name: 'five', file, every, limit })).map((r) => r.text);
    expect(await texts(1, 2)).toEqual(['a', 'b']);
    expect(await texts(2, Infinity)).toEqual(['b', 'd']);
    await expect(texts(20, Infinity)).rejects.toThrow('--every 20 leaves no records');
  });
});

describe('PromptWindow: what the model is given of context + typed text', () => {
  // A token a word here: the window's rule does not depend on the tokenizer.
  const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
  const doc = Array.from({ length: 60 }, (_, i) => `w${String(i).padStart(2, '0')}`).join(' '); // 4 characters a word

  it('gives a text that fits whole', () => {
    expect(new PromptWindow(words, 100, 25).prompt('We propose a method.')).toBe('We propose a method.');
  });

  it('keeps the end that fits the budget, from a start that moves a step at a time, on to the next word', () => {
    const window = new PromptWindow(words, 20, 25);
    const ends = [79, 80, 81, 100, 108, 109, 130];
    const prompts = ends.map((n) => window.prompt(doc.slice(0, n)));
    expect(prompts.slice(0, 2)).toEqual([doc.slice(0, 79), doc.slice(0, 80)]); // up to 20 words: whole
    for (const [i, p] of prompts.entries()) {
      expect(doc.slice(0, ends[i]).endsWith(p)).toBe(true); // the end of the text, nothing added
      expect(words(p)).toBeLessThanOrEqual(20);
      expect(p).toMatch(/^w\d\d( |$)/); // a whole word first
    }
    // From 81 characters (21 words) the start is 25, on to the next word (w07 at 28), while that fits (to 108),
    // then 50, on to w13 at 52: one start for many keystrokes, so the engine's KV cache is reused.
    expect(prompts.slice(2).map((p) => p.slice(0, 3))).toEqual(['w07', 'w07', 'w07', 'w13', 'w13']);
  });

  it('starts over on a shorter text: a new pass over the record', () => {
    const window = new PromptWindow(words, 20, 25);
    window.prompt(doc.slice(0, 130));
    expect(window.prompt(doc.slice(0, 60))).toBe(doc.slice(0, 60));
  });
});
