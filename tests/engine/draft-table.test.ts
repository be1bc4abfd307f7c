/**
 * The n-gram draft table: tables written by model_creation's Python
 * (aacomplete/draft_table.py, the format's reference) are read by the engine,
 * which drafts exactly what the Python reference drafts; an engine with a
 * table gives the same greedy text as without one, in fewer forward runs; a
 * corrupt table is reported and ignored.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DraftTable, DraftTableError } from '../../lib/engine/draft-table';
import { loadEngine, type Engine } from '../../lib/engine/index';
import { nextDraft } from '../../lib/engine/drafting';
import { GREEDY, TINY, loadFixtureTokenizer, tally } from './fixtures';

const MODEL_CREATION = fileURLToPath(new URL('../../model_creation', import.meta.url));
const PY = '/usr/bin/python3';

interface TableSpec {
  seqs: number[][];
  vocab: number;
  out: string;
  histories: number[][];
  max: number;
  minCount?: number;
  minProb?: number;
  chainMin?: number;
}

/** Writes a table with the Python reference and returns the reference's drafts for `histories`. */
function pythonTable(spec: TableSpec): number[][] {
  const script = `
import json, sys
sys.path.insert(0, sys.argv[1])
import numpy as np

from aacomplete.draft_table import count_ngrams, draft, read_table, write_table
a = json.load(sys.stdin)
orders = [o for o in (1, 2, 3, 4) if float(a["vocab"]) ** o < 2.0**53]
tables = [count_ngrams([np.array(s) for s in a["seqs"]], o, a["vocab"], a["minCount"], a["minProb"]) for o in orders]
write_table(a["out"], tables, a["vocab"], a["chainMin"])
t, v, c = read_table(a["out"])
print(json.dumps([draft(t, v, c, h, a["max"]) for h in a["histories"]]))
`;
  const input = JSON.stringify({ minCount: 2, minProb: 0.2, chainMin: 0.2, ...spec });
  return JSON.parse(execFileSync(PY, ['-c', script, MODEL_CREATION], { input, encoding: 'utf8' }));
}

/** Deterministic token streams with repeated phrases, so the table has confident entries. */
function phraseSequences(vocab: number, count: number, seed: number): number[][] {
  let s = seed;
  const rand = (n: number) => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const phrases = Array.from({ length: 12 }, () => Array.from({ length: 2 + rand(5) }, () => rand(vocab)));
  return Array.from({ length: count }, () => Array.from({ length: 6 + rand(10) }, () => phrases[rand(phrases.length)]).flat());
}

describe('DraftTable (format shared with model_creation/aacomplete/draft_table.py)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'draft-table-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const vocab of [384, 8192, 50257]) {
    it(`drafts exactly what the Python reference drafts (vocabulary ${vocab})`, () => {
      const seqs = phraseSequences(vocab, 200, vocab);
      const histories = [
        ...seqs.slice(0, 60).flatMap((q) => [q.slice(0, 1), q.slice(0, 3), q.slice(0, 7), q.slice(0, q.length - 1)]),
        ...phraseSequences(vocab, 40, 7).map((q) => q.slice(0, 5)),
        [vocab - 1, vocab - 2, vocab - 3],
      ];
      const out = join(dir, `t${vocab}.bin`);
      const expected = pythonTable({ seqs, vocab, out, histories, max: 8 });
      const table = DraftTable.parse(new Uint8Array(readFileSync(out)), vocab);
      const got = histories.map((h) => table.draft(h, 8));
      expect(got).toEqual(expected);
      // The check means something only if many histories get drafts, and long ones.
      expect(got.filter((d) => d.length > 0).length).toBeGreaterThan(histories.length / 2);
      expect(Math.max(...got.map((d) => d.length))).toBe(8);
      expect(table.draft(histories[0], 0)).toEqual([]);
      // A stricter chain bound (as sampling uses) drafts a prefix of the default draft, never more.
      for (const h of histories) {
        const strict = table.draft(h, 8, 0.6);
        expect(got[histories.indexOf(h)].slice(0, strict.length)).toEqual(strict);
      }
      expect(histories.map((h) => table.draft(h, 8, 1.01)).flat()).toEqual([]);
      expect(table.draft([], 8)).toEqual([]);
    });
  }

  it('rejects a file that is not a table, is for another vocabulary, or is cut short', () => {
    const out = join(dir, 'ok.bin');
    pythonTable({ seqs: phraseSequences(384, 50, 3), vocab: 384, out, histories: [], max: 8 });
    const bytes = new Uint8Array(readFileSync(out));
    const bad = bytes.slice();
    bad[0] = 0x58;
    expect(() => DraftTable.parse(bad, 384)).toThrow(DraftTableError);
    expect(() => DraftTable.parse(bad, 384)).toThrow('bad magic');
    expect(() => DraftTable.parse(bytes, 8192)).toThrow('built for a vocabulary of 384, the model has 8192');
    expect(() => DraftTable.parse(bytes.slice(0, bytes.length - 16), 384)).toThrow('truncated');
    expect(() => DraftTable.parse(new Uint8Array(3), 384)).toThrow('bad magic');
    // Parsing from an unaligned view still works (copies).
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(DraftTable.parse(shifted.subarray(3), 384).entries).toEqual(DraftTable.parse(bytes, 384).entries);
  });

  it('nextDraft prefers prompt lookup, falls back to the table, and respects the room left', () => {
    const out = join(dir, 'next.bin');
    pythonTable({ seqs: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]].concat(Array(3).fill([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), vocab: 384, out, histories: [], max: 8, minProb: 0.5 });
    const table = DraftTable.parse(new Uint8Array(readFileSync(out)), 384);
    expect(nextDraft([1, 2, 3], 20, table)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(nextDraft([1, 2, 3], 3, table)).toEqual([4, 5, 6]);
    expect(nextDraft([1, 2, 3], 0, table)).toEqual([]);
    // A repeat in the text itself wins: after "7 2 3" lookup finds "2 3" → 7.
    expect(nextDraft([2, 3, 7, 2, 3], 20, table)).toEqual([7, 2, 3]);
    expect(nextDraft([1, 2, 3], 20)).toEqual([]);
  });
});

describe('an engine with a draft table', () => {
  let dir: string;
  let plain: Engine;
  let withTable: Engine;
  const prompts = ['We propose a', 'Large language models (LLMs) have shown', 'the model the', 'In this paper we', 'Our results show that'];
  const options = { ...GREEDY, maxNewTokens: 48, ignoreEos: true };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'draft-engine-'));
    cpSync(TINY, join(dir, 'model'), { recursive: true });
    plain = await loadEngine(join(dir, 'model'), { precision: 'fp32', prefixCache: false });
    // The table is built from the model's own greedy continuations, as make_draft_table.py does.
    const tok = loadFixtureTokenizer();
    const seqs: number[][] = [];
    for (const p of prompts) {
      const r = await plain.generate(p, { ...options, speculative: false });
      seqs.push(tok.encode(p + r.text));
    }
    pythonTable({ seqs, vocab: 384, out: join(dir, 'model', 'draft-ngrams.bin'), histories: [], max: 8, minCount: 1 });
    withTable = await loadEngine(join(dir, 'model'), { precision: 'fp32', prefixCache: false });
  });
  afterAll(async () => {
    await plain?.dispose();
    await withTable?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the table and reports it', () => {
    expect(plain.info.draftTableEntries).toBe(0);
    expect(withTable.info.draftTableEntries).toBeGreaterThan(20);
    expect(withTable.info.warnings).toEqual([]);
  });

  it('gives the same greedy text as without drafting, using table drafts', async () => {
    const { sum: speculation, add } = tally();
    for (const p of [...prompts, 'A new dataset']) {
      for (const extra of [{}, { repetitionPenalty: 1.3 }, { tokenHealing: true }, { stopAtSentenceEnd: true, ignoreEos: false }]) {
        const off = add(await plain.generate(p, { ...options, ...extra, speculative: false }));
        const on = add(await withTable.generate(p, { ...options, ...extra }));
        expect([on.text, on.tokens, on.stopReason], `${p} ${JSON.stringify(extra)}`).toEqual([off.text, off.tokens, off.stopReason]);
      }
    }
    expect(speculation.tableRuns).toBeGreaterThan(10);
    expect(speculation.accepted).toBeGreaterThan(50);
  });

  it('is not consulted with speculative: false', async () => {
    const { sum: speculation, add } = tally();
    add(await withTable.generate(prompts[0], { ...options, speculative: false }));
    add(await withTable.generate(prompts[0], { ...options, temperature: 0.8, seed: 3, speculative: false }));
    expect(speculation).toEqual({ runs: 0, drafted: 0, accepted: 0, tableRuns: 0 });
  });

  it('samples the same text with a seed as without drafting', async () => {
    const { sum: speculation, add } = tally();
    for (const p of prompts) {
      for (const seed of [1, 2, 3]) {
        const opts = { ...options, temperature: 0.6, topK: 20, topP: 0.95, seed };
        const off = add(await plain.generate(p, { ...opts, speculative: false }));
        expect(add(await withTable.generate(p, opts)).text, `${p} seed ${seed}`).toBe(off.text);
      }
    }
    expect(speculation.tableRuns).toBeGreaterThan(0);
  });

  it('ignores a corrupt table with a warning, and still completes', async () => {
    writeFileSync(join(dir, 'model', 'draft-ngrams.bin'), 'AADT but not really a table');
    const engine = await loadEngine(join(dir, 'model'), { precision: 'fp32', prefixCache: false });
    try {
      expect(engine.info.draftTableEntries).toBe(0);
      expect(engine.info.warnings).toEqual([expect.stringContaining('draft-ngrams.bin ignored: draft table is unusable')]);
      const off = await plain.generate(prompts[1], { ...options, speculative: false });
      expect((await engine.generate(prompts[1], options)).text).toBe(off.text);
    } finally {
      await engine.dispose();
    }
  });
});
