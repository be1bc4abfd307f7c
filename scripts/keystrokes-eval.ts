/**
 * `npm run eval -- --metric keystrokes`: the simulated writer (lib/suggest/
 * simulated-writer.ts) on each abstract, with the ghost text exactly as the
 * extension computes it (suggest() with the default inline settings, count 1:
 * the ghost is branch 0 whatever the count). Last two stdout lines:
 * keystroke_saving and suggestion_precision. docs/INLINE.md defines them.
 *
 * --every K: every K-th abstract of the file (from index K/2), not the first
 * ones (see spread()); --limit then caps how many.
 *
 * --sweep 0.2,0.3,… [--sweep-words 4,6] [--sweep-next 0.1,0.2,…]: calibration
 * (--sweep-next adds rows with a per-word cut after the first word, WordCut's
 * nextWordConfidence, to the joint-cut rows). Each position's greedy
 * tokens are generated once, with the most permissive setting, and every
 * setting's cut is replayed on them (a stricter cut stops on a prefix of the
 * same tokens), so a sweep costs about one run. Prints one table row per setting.
 */
import { parseArgs } from 'node:util';
import { loadEngine, type Engine } from '../lib/engine/index';
import { createBundledBackend } from '../lib/backends/index';
import type { Backend } from '../lib/backends/types';
import { DEFAULT_INLINE_SETTINGS, parseInlineSettings } from '../lib/suggest/inline-settings';
import { tokensFor } from '../lib/suggest/suggester';
import { WordCut, type CutToken } from '../lib/suggest/word-cut';
import { addTally, emptyTally, keystrokeSaving, simulateWriter, suggestionPrecision, type WriterTally } from '../lib/suggest/simulated-writer';
import { DEFAULT_MODEL_DIR, SERVER_FLAGS, UsageError, describeServer, integerFlag, serverFromFlags, stderr } from './cli-common';
import { percentile } from '../bench/lib/percentile';

type ReadAbstracts = (file: string, limit: number) => Promise<string[]>;

const listFlag = (flag: string, value: string | undefined): number[] | undefined =>
  value?.split(',').map((v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a comma-separated list of numbers, got "${value}"`);
    return n;
  });

export async function keystrokesMain(readAbstracts: ReadAbstracts): Promise<void> {
  const { values } = parseArgs({
    options: {
      metric: { type: 'string' },
      data: { type: 'string' },
      limit: { type: 'string' },
      model: { type: 'string' },
      threads: { type: 'string' },
      every: { type: 'string' },
      sweep: { type: 'string' },
      'sweep-words': { type: 'string' },
      'sweep-next': { type: 'string' },
      'sweep-mid': { type: 'string' },
      'sweep-bonus': { type: 'string' },
      ...SERVER_FLAGS,
    },
  });
  if (!values.data) throw new UsageError('--data FILE is required');
  const limit = integerFlag('limit', values.limit) ?? Infinity;
  if (limit < 1) throw new UsageError('--limit must be at least 1');
  const every = integerFlag('every', values.every) ?? 1;
  if (every < 1) throw new UsageError('--every must be at least 1');
  const sweep = listFlag('sweep', values.sweep);
  const sweepWords = listFlag('sweep-words', values['sweep-words']) ?? [DEFAULT_INLINE_SETTINGS.maxWords];
  const sweepNext = listFlag('sweep-next', values['sweep-next']) ?? [];
  const sweepMid = listFlag('sweep-mid', values['sweep-mid']) ?? [];
  const sweepBonus = listFlag('sweep-bonus', values['sweep-bonus']) ?? [];
  const abstracts = every === 1 ? await readAbstracts(values.data, limit) : spread(await readAbstracts(values.data, Infinity), every, limit);
  if (abstracts.length === 0) throw new UsageError(`--every ${every} leaves no abstracts in ${values.data}`);
  // The suggestion source: a model server (--server, lib/backends), or the bundled model.
  const server = await serverFromFlags(values);
  if (server) {
    if (sweep) throw new UsageError('--sweep replays the bundled model\'s tokens; it does not take --server');
    stderr(`${describeServer(server)}, ${abstracts.length} abstracts`);
    try {
      return await runDefault(server, abstracts);
    } finally {
      await server.dispose();
    }
  }
  // One thread by default: the extension's offscreen document is not cross-origin isolated.
  const engine = await loadEngine(values.model ?? DEFAULT_MODEL_DIR, { threads: integerFlag('threads', values.threads) ?? 1 });
  stderr(`model: ${engine.info.name} (${engine.info.modelFile}), ${abstracts.length} abstracts, ${engine.info.threads} thread(s)`);
  try {
    if (sweep) await runSweep(engine, abstracts, sweep, sweepWords, { nexts: sweepNext, mids: sweepMid, bonuses: sweepBonus });
    else await runDefault(createBundledBackend(engine), abstracts);
  } finally {
    await engine.dispose();
  }
}

/**
 * Every `every`-th abstract, from the middle of the first block of `every`
 * (indices every/2, every/2 + every, …), at most `limit`: a sample spread over
 * the whole file. Files grouped by source (our validation split starts with
 * 249 ACL Anthology abstracts) make their first N unlike the rest.
 */
export function spread<T>(items: T[], every: number, limit: number): T[] {
  const out: T[] = [];
  for (let i = Math.floor(every / 2); i < items.length && out.length < limit; i += every) out.push(items[i]);
  return out;
}

/** The writer with the ghost text of `source` (Backend.suggest: for the bundled model, lib/suggest's suggest()). */
async function runDefault(source: Backend, abstracts: string[]): Promise<void> {
  const settings = DEFAULT_INLINE_SETTINGS;
  const total = emptyTally();
  const latencies: number[] = [];
  /** Pause to the first word on screen (streamed), for suggestions that show something. */
  const firstWord: number[] = [];
  const started = Date.now();
  for (let i = 0; i < abstracts.length; i++) {
    const t = await simulateWriter(abstracts[i], async (typed) => {
      const t0 = performance.now();
      let first = -1;
      const [ghost] = await source.suggest(typed, { settings, count: 1, cacheKey: 'writer', onUpdate: () => first < 0 && (first = performance.now() - t0) });
      latencies.push(performance.now() - t0);
      if (first >= 0) firstWord.push(first);
      return ghost?.text ?? '';
    });
    addTally(total, t);
    stderr(`[${i + 1}/${abstracts.length}] saving ${keystrokeSaving(total).toFixed(3)} precision ${suggestionPrecision(total).toFixed(3)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  console.log(`settings: minConfidence ${settings.minConfidence}, maxWords ${settings.maxWords}`);
  console.log(`abstracts: ${abstracts.length}`);
  console.log(`characters: ${total.chars}`);
  console.log(`suggestions_per_100_chars: ${((100 * total.shown) / Math.max(1, total.chars)).toFixed(2)}`);
  console.log(`latency_p50_ms: ${percentile(latencies, 0.5).toFixed(1)}`);
  console.log(`latency_p95_ms: ${percentile(latencies, 0.95).toFixed(1)}`);
  console.log(`first_word_p50_ms: ${percentile(firstWord, 0.5).toFixed(1)}`);
  console.log(`first_word_p95_ms: ${percentile(firstWord, 0.95).toFixed(1)}`);
  console.log(`keystroke_saving: ${keystrokeSaving(total).toFixed(4)}`);
  console.log(`suggestion_precision: ${suggestionPrecision(total).toFixed(4)}`);
}


type SweepRow = { conf: number; words: number; next?: number; mid?: number; bonus?: number; tally: WriterTally };

async function runSweep(
  engine: Engine,
  abstracts: string[],
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
  for (let i = 0; i < abstracts.length; i++) {
    const memo = new Map<number, CutToken[]>();
    const record = async (typed: string): Promise<CutToken[]> => {
      const tokens: CutToken[] = [];
      // A smaller K lowers every cut (see WordCutOptions.lengthBonus), so the smallest one records enough for all.
      const cut = new WordCut({ minConfidence: loosest.minConfidence, maxWords: loosest.maxWords, nextWordConfidence: loosestNext, lengthBonus: bonuses.length > 0 ? Math.min(...bonuses) : undefined });
      if (typed.trim() === '') return tokens;
      await engine.continuations(
        typed,
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
      const t = await simulateWriter(abstracts[i], async (typed) => {
        let tokens = memo.get(typed.length);
        if (!tokens) memo.set(typed.length, (tokens = await record(typed)));
        const midWord = row.mid !== undefined && /\S$/.test(typed);
        const cut = new WordCut({ minConfidence: midWord ? row.mid! : row.conf, maxWords: row.words, nextWordConfidence: row.next, lengthBonus: row.bonus });
        for (const tok of tokens) if (cut.push(tok)) break;
        return cut.shown;
      });
      addTally(row.tally, t);
    }
    stderr(`[${i + 1}/${abstracts.length}] ${memo.size} positions generated`);
    // The table so far, so that a long sweep cut short still says something.
    if (i + 1 < abstracts.length) stderr(sweepTable(rows.values()));
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
