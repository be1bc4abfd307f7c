/**
 * Greedy decode with and without prompt-lookup speculation on one model, in
 * Node, calls interleaved; reports tokens/s, acceptance and how often the
 * output differs from non-speculative greedy.
 *
 *   npx tsx bench/speculative.ts [MODEL_DIR] [THREADS] [ROUNDS]
 *   (default public/models/abstract-gpt, 1, 5)
 */
import { loadEngine } from '../lib/engine';
import { speculation } from '../lib/engine/generator';
import { median } from './lib/measure';
import { makePrompts } from './lib/prompts';

const dir = process.argv[2] ?? 'public/models/abstract-gpt';
const threads = Number(process.argv[3] ?? 1);
const rounds = Number(process.argv[4] ?? 5);
const engine = await loadEngine(dir, { threads, prefixCache: false });
const prompts = ['We propose a method to', 'In this paper, we study the problem of', 'Graph neural networks'];
if (process.argv.includes('--bench-prompts')) prompts.push(...makePrompts(dir).prompts16);
const G = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1, stopAtSentenceEnd: false, tokenHealing: false, ignoreEos: true, maxNewTokens: 64 };
for (const p of prompts) {
  const ms: Record<string, number[]> = { off: [], on: [] };
  let texts: Record<string, string> = {};
  let acc = { runs: 0, drafted: 0, accepted: 0 };
  for (let r = 0; r < rounds + 1; r++) {
    for (const mode of r % 2 ? ['on', 'off'] : ['off', 'on']) {
      const before = { ...speculation };
      const res = await engine.generate(p, { ...G, speculative: mode === 'on' });
      if (r > 0) ms[mode].push(res.totalMs);
      texts[mode] = res.text;
      if (mode === 'on') acc = { runs: speculation.runs - before.runs, drafted: speculation.drafted - before.drafted, accepted: speculation.accepted - before.accepted };
    }
  }
  const tps = (m: string) => (64 / median(ms[m])) * 1000;
  const oneTokenRuns = 64 - 1 - acc.runs - acc.accepted; // steps after prefill without a draft
  console.log(`${JSON.stringify(p)}: off ${tps('off').toFixed(1)} tok/s, on ${tps('on').toFixed(1)} tok/s (×${(tps('on') / tps('off')).toFixed(2)}); ` +
    `ORT runs ${1 + acc.runs + oneTokenRuns} vs 64; drafts ${acc.runs}, drafted ${acc.drafted}, accepted ${acc.accepted} (${((100 * acc.accepted) / Math.max(1, acc.drafted)).toFixed(0)} %); same text: ${texts.on === texts.off}`);
  if (texts.on !== texts.off) console.log(`  off: ${JSON.stringify(texts.off)}\n  on:  ${JSON.stringify(texts.on)}`);
}
// How often int8 speculative greedy differs from sequential greedy (per-run activation quantization).
const more = [...prompts, 'Deep reinforcement learning', 'We introduce a new dataset for', 'Recent advances in large language models',
  'The main contribution of this work is', 'Convolutional neural networks have', 'We present a novel approach for', 'Bayesian optimization is'];
let differ = 0;
const firstDiff: number[] = [];
for (const p of more) {
  const a = await engine.generate(p, { ...G, speculative: false });
  const b = await engine.generate(p, { ...G, speculative: true });
  if (a.text !== b.text) {
    differ++;
    let i = 0;
    while (a.text[i] === b.text[i]) i++;
    firstDiff.push(i);
  }
}
console.log(`int8 divergence: ${differ}/${more.length} completions differ from sequential greedy (first differing character at ${firstDiff.join(', ')})`);
process.exit(0);
