/**
 * `npm run eval -- --metric keystrokes`: the simulated writer (lib/suggest/
 * simulated-writer.ts) on each record of each `--data` file, with the ghost
 * text as the extension computes it in a plain field (suggest() with the
 * default inline settings, count 1: the ghost is branch 0 whatever the count),
 * after the extension's trigger rules (lib/suggest/trigger.ts), on the
 * record's context and the text typed so far. In a LaTeX editor the extension
 * also makes the ghost LaTeX-safe (lib/suggest/latex-safe.ts); the writer here
 * sees the model's text as written, paper bodies included. Records and data sets: scripts/writer-records.ts.
 * Prints one table row per file (abstracts and paper bodies side by side),
 * then per file its figures, ending with keystroke_saving and
 * suggestion_precision (with one file, the last two stdout lines).
 * docs/INLINE.md defines them.
 *
 * --every K: every K-th record of the file (from index K/2), not the first
 * ones (see spread()); --limit then caps how many. After a --data they apply
 * to that file alone.
 *
 * --sweep 0.2,0.3,… [--sweep-words 4,6] [--sweep-next 0.1,0.2,…]: calibration
 * (--sweep-next adds rows with a per-word cut after the first word, WordCut's
 * nextWordConfidence, to the joint-cut rows). Each position's greedy
 * tokens are generated once, with the most permissive setting, and every
 * setting's cut is replayed on them (a stricter cut stops on a prefix of the
 * same tokens), so a sweep costs about one run. Prints one table row per setting.
 */
import { parseArgs } from 'node:util';
import { Tokenizer } from '@huggingface/tokenizers';
import { loadEngine, type Engine } from '../lib/engine/index';
import { createBundledBackend } from '../lib/backends/index';
import type { Backend } from '../lib/backends/types';
import { DEFAULT_INLINE_SETTINGS, parseInlineSettings } from '../lib/suggest/inline-settings';
import { tokensFor } from '../lib/suggest/suggester';
import { WordCut, type CutToken } from '../lib/suggest/word-cut';
import { addTally, emptyTally, keystrokeSaving, simulateWriter, suggestionPrecision, type WriterTally } from '../lib/suggest/simulated-writer';
import { openModelSource, readJson } from '../lib/engine/model-source';
import { DEFAULT_MODEL_DIR, SERVER_FLAGS, UsageError, describeServer, integerFlag, serverFromFlags, stderr } from './cli-common';
import { PromptWindow, dataSets, readDataSet, type DataSet, type WriterRecord } from './writer-records';
import { percentile } from '../bench/lib/percentile';

const listFlag = (flag: string, value: string | undefined): number[] | undefined =>
  value?.split(',').map((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a comma-separated list of numbers, got "${value}"`);
    return n;
  });

/** A PromptWindow per record: the model's tokens, less the suggestion's (the engine's fitPrompt budget). */
type Windows = () => PromptWindow;

async function promptWindows(dir: string, engine: Engine, maxWords: number): Promise<Windows> {
  const files = await openModelSource(dir);
  const tokenizer = new Tokenizer(await readJson(files, 'tokenizer.json'), (await readJson(files, 'tokenizer_config.json')) ?? {});
  const count = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  const budget = engine.info.contextLength - tokensFor(maxWords);
  return () => new PromptWindow(count, budget);
}

export async function keystrokesMain(): Promise<void> {
  const { values, tokens } = parseArgs({
    options: {
      metric: { type: 'string' },
      data: { type: 'string', multiple: true },
      limit: { type: 'string', multiple: true },
      model: { type: 'string' },
      threads: { type: 'string' },
      every: { type: 'string', multiple: true },
      sweep: { type: 'string' },
      'sweep-words': { type: 'string' },
      'sweep-next': { type: 'string' },
      'sweep-mid': { type: 'string' },
      'sweep-bonus': { type: 'string' },
      ...SERVER_FLAGS,
    },
    tokens: true,
  });
  const sets = dataSets(tokens);
  const sweep = listFlag('sweep', values.sweep);
  const sweepWords = listFlag('sweep-words', values['sweep-words']) ?? [DEFAULT_INLINE_SETTINGS.maxWords];
  const sweepNext = listFlag('sweep-next', values['sweep-next']) ?? [];
  const sweepMid = listFlag('sweep-mid', values['sweep-mid']) ?? [];
  const sweepBonus = listFlag('sweep-bonus', values['sweep-bonus']) ?? [];
  const data = await Promise.all(sets.map(async (set) => ({ set, records: await readDataSet(set) })));
  const counts = data.map((d) => `${d.set.name}: ${d.records.length} records`).join(', ');
  // The suggestion source: a model server (--server, lib/backends), or the bundled model.
  const server = await serverFromFlags(values);
  if (server) {
    if (sweep) throw new UsageError('--sweep replays the bundled model\'s tokens; it does not take --server');
    stderr(`${describeServer(server)}; ${counts}`);
    try {
      const results: SetResult[] = [];
      // the server fits context + typed text to its own window
      for (const { set, records } of data) results.push(await runDefault(server, null, set, records));
      return printResults(results);
    } finally {
      await server.dispose();
    }
  }
  const dir = values.model ?? DEFAULT_MODEL_DIR;
  // One thread by default: the extension's offscreen document is not cross-origin isolated.
  const engine = await loadEngine(dir, { threads: integerFlag('threads', values.threads) ?? 1 });
  stderr(`model: ${engine.info.name} (${engine.info.modelFile}), ${engine.info.threads} thread(s); ${counts}`);
  try {
    const windows = await promptWindows(dir, engine, Math.max(DEFAULT_INLINE_SETTINGS.maxWords, ...sweepWords));
    if (sweep) {
      for (const { set, records } of data) {
        if (data.length > 1) console.log(`data: ${set.name}`);
        await runSweep(engine, windows, records, sweep, sweepWords, { nexts: sweepNext, mids: sweepMid, bonuses: sweepBonus });
      }
    } else {
      const results: SetResult[] = [];
      const bundled = createBundledBackend(engine);
      for (const { set, records } of data) results.push(await runDefault(bundled, windows, set, records));
      printResults(results);
    }
  } finally {
    await engine.dispose();
  }
}

interface SetResult {
  set: DataSet;
  records: number;
  tally: WriterTally;
  /** Per suggest() call, and the pause to the first word on screen (streamed) for calls that showed something. */
  latencies: number[];
  firstWord: number[];
}

/**
 * The writer with the ghost text of `source` (Backend.suggest: for the bundled model, lib/suggest's suggest()),
 * the bundled model's prompt fitted by `windows`, a server's left to the server (null).
 */
async function runDefault(source: Backend, windows: Windows | null, set: DataSet, records: WriterRecord[]): Promise<SetResult> {
  const settings = DEFAULT_INLINE_SETTINGS;
  const result: SetResult = { set, records: records.length, tally: emptyTally(), latencies: [], firstWord: [] };
  const started = Date.now();
  for (let i = 0; i < records.length; i++) {
    const window = windows?.();
    const t = await simulateWriter(
      records[i].text,
      async (before) => {
        const t0 = performance.now();
        let first = -1;
        const prompt = window ? window.prompt(before) : before;
        const [ghost] = await source.suggest(prompt, { settings, count: 1, cacheKey: 'writer', onUpdate: () => first < 0 && (first = performance.now() - t0) });
        result.latencies.push(performance.now() - t0);
        if (first >= 0) result.firstWord.push(first);
        return ghost?.text ?? '';
      },
      { context: records[i].context },
    );
    addTally(result.tally, t);
    const total = result.tally;
    stderr(`${set.name} [${i + 1}/${records.length}] saving ${keystrokeSaving(total).toFixed(3)} precision ${suggestionPrecision(total).toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  return result;
}

const perHundred = (n: number, t: WriterTally) => ((100 * n) / Math.max(1, t.chars)).toFixed(2);

function printResults(results: SetResult[]): void {
  const settings = DEFAULT_INLINE_SETTINGS;
  console.log(`settings: minConfidence ${settings.minConfidence}, maxWords ${settings.maxWords}`);
  console.log('| data | texts | characters | keystroke_saving | suggestion_precision | suggestions per 100 chars | held by trigger rules per 100 chars | latency p50 / p95 ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const { set, records, tally: t, latencies } of results) {
    console.log(
      `| ${set.name} | ${records} | ${t.chars} | ${keystrokeSaving(t).toFixed(3)} | ${suggestionPrecision(t).toFixed(3)} | ${perHundred(t.shown, t)} | ${perHundred(t.held, t)} | ${percentile(latencies, 0.5).toFixed(1)} / ${percentile(latencies, 0.95).toFixed(1)} |`,
    );
  }
  for (const { set, records, tally: t, latencies, firstWord } of results) {
    console.log(`data: ${set.name}`);
    console.log(`texts: ${records}`);
    console.log(`characters: ${t.chars}`);
    console.log(`suggestions_per_100_chars: ${perHundred(t.shown, t)}`);
    console.log(`held_per_100_chars: ${perHundred(t.held, t)}`);
    console.log(`latency_p50_ms: ${percentile(latencies, 0.5).toFixed(1)}`);
    console.log(`latency_p95_ms: ${percentile(latencies, 0.95).toFixed(1)}`);
    console.log(`first_word_p50_ms: ${percentile(firstWord, 0.5).toFixed(1)}`);
    console.log(`first_word_p95_ms: ${percentile(firstWord, 0.95).toFixed(1)}`);
    // The raw counts, so that runs over parts of a file can be pooled exactly.
    console.log(`tally: ${JSON.stringify(t)}`);
    console.log(`keystroke_saving: ${keystrokeSaving(t).toFixed(4)}`);
    console.log(`suggestion_precision: ${suggestionPrecision(t).toFixed(4)}`);
  }
}

type SweepRow = { conf: number; words: number; next?: number; mid?: number; bonus?: number; tally: WriterTally };

async function runSweep(
  engine: Engine,
  windows: Windows,
  records: WriterRecord[],
  confidences: number[],
  words: number[],
  { nexts, mids, bonuses }: { nexts: number[]; mids: number[]; bonuses: number[] },
): Promise<void> {
  const loosest = parseInlineSettings({ minConfidence: Math.min(...confidences, ...mids), maxWords: Math.max(...words) });
  // A joint cut at c lets each later word through whenever its own probability is >= c, so a per-word cut at
  // the smallest of all values stops after every row's cut.
  const loosestNext = nexts.length > 0 ? Math.min(...nexts, ...confidences, ...mids) : undefined;
  const rows = new Map<string, SweepRow>();
  for (const w of words) {
    for (const c of confidences) {
      rows.set(`${c}/${w}`, { conf: c, words: w, tally: emptyTally() });
      for (const n of nexts) rows.set(`${c}/${w}/${n}`, { conf: c, words: w, next: n, tally: emptyTally() });
      // A different cut when the caret is inside a word (completing it) than after a space (guessing the next word).
      for (const m of mids) rows.set(`${c}/${w}/mid${m}`, { conf: c, words: w, mid: m, tally: emptyTally() });
      for (const k of bonuses) rows.set(`${c}/${w}/bonus${k}`, { conf: c, words: w, bonus: k, tally: emptyTally() });
    }
  }
  for (let i = 0; i < records.length; i++) {
    const memo = new Map<number, CutToken[]>();
    const window = windows();
    const record = async (before: string): Promise<CutToken[]> => {
      const tokens: CutToken[] = [];
      // A smaller K lowers every cut (see WordCutOptions.lengthBonus), so the smallest one records enough for all.
      const cut = new WordCut({ minConfidence: loosest.minConfidence, maxWords: loosest.maxWords, nextWordConfidence: loosestNext, lengthBonus: bonuses.length > 0 ? Math.min(...bonuses) : undefined });
      await engine.continuations(
        window.prompt(before),
        { branches: 1, maxNewTokens: tokensFor(loosest.maxWords) },
        {
          cacheKey: 'writer',
          onToken: (token) => {
            tokens.push(token);
            return cut.push(token);
          },
        },
      );
      return tokens;
    };
    for (const row of rows.values()) {
      const t = await simulateWriter(
        records[i].text,
        async (before) => {
          let tokens = memo.get(before.length);
          if (!tokens) memo.set(before.length, (tokens = await record(before)));
          const midWord = row.mid !== undefined && /\S$/.test(before);
          const cut = new WordCut({ minConfidence: midWord ? row.mid! : row.conf, maxWords: row.words, nextWordConfidence: row.next, lengthBonus: row.bonus });
          for (const tok of tokens) if (cut.push(tok)) break;
          return cut.shown;
        },
        { context: records[i].context },
      );
      addTally(row.tally, t);
    }
    stderr(`[${i + 1}/${records.length}] ${memo.size} positions generated`);
    // The table so far, so that a long sweep cut short still says something.
    if (i + 1 < records.length) stderr(sweepTable(rows.values()));
  }
  console.log(sweepTable(rows.values()));
}

function sweepTable(rows: Iterable<SweepRow>): string {
  const lines = ['| minConfidence (after a space) | mid-word | maxWords | next word | length bonus K | keystroke_saving | suggestion_precision | suggestions per 100 chars |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.conf} | ${r.mid ?? r.conf} | ${r.words} | ${r.next ?? 'joint'} | ${r.bonus ?? '–'} | ${keystrokeSaving(r.tally).toFixed(3)} | ${suggestionPrecision(r.tally).toFixed(3)} | ${((100 * r.tally.shown) / Math.max(1, r.tally.chars)).toFixed(2)} |`);
  }
  return lines.join('\n');
}
