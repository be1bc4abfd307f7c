/** Our engine as a benchmark runner: greedy, EOS ignored, exactly the requested token count. */
import { loadEngine, type Engine, type LoadOptions } from '../../lib/engine';
import type { Runner } from './measure';

/** The benchmark's decoding settings for our engine (the other runners are greedy too). */
export const BENCH_GREEDY = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, stopAtSentenceEnd: false, tokenHealing: false, ignoreEos: true } as const;

export function oursRunner(source: string, options: LoadOptions): Runner {
  let engine: Engine;
  return {
    async load() {
      engine = await loadEngine(source, options);
    },
    async generate(prompt, n) {
      const r = await engine.generate(prompt, { ...BENCH_GREEDY, maxNewTokens: n });
      return { tokens: r.tokens, text: r.text };
    },
    describe: () => ({ threads_used: engine.info.threads, model_file: engine.info.modelFile, draft_table_entries: engine.info.draftTableEntries }),
  };
}
