/**
 * What the fake servers "generate": a fixed continuation per prompt ending,
 * token by token, each with a log-probability and its top alternatives, so
 * every backend test knows the exact text, and where the confidence cut falls.
 * A prompt matches the longest `end` it finishes with; anything else gets DEFAULT.
 */
export interface FakeToken {
  text: string;
  logprob: number;
  /** The alternatives at this step, most likely first (the chosen token among them). */
  top: Array<{ text: string; logprob: number }>;
}

const tok = (text: string, p: number, alts: Array<[string, number]> = []): FakeToken => ({
  text,
  logprob: Math.log(p),
  top: [[text, p] as [string, number], ...alts].sort((a, b) => b[1] - a[1]).map(([t, q]) => ({ text: t, logprob: Math.log(q) })),
});

export interface Continuation {
  end: string;
  tokens: FakeToken[];
}

/**
 * "We propose a" → " novel method for text classification. We evaluate": the
 * first three words are likely (joint ≈ 0.66), " text" drops the joint below
 * 0.4, so the default cut shows "novel method for ".
 */
export const CONTINUATIONS: readonly Continuation[] = [
  {
    end: 'We propose a',
    tokens: [
      tok(' novel', 0.9, [[' new', 0.05], ['n', 0.01]]),
      tok(' method', 0.85, [[' approach', 0.1], ['-', 0.01]]),
      tok(' for', 0.86, [[' to', 0.08], [',', 0.03]]),
      tok(' text', 0.3, [[' the', 0.25], [' learning', 0.2]]),
      tok(' classification', 0.7, [[' generation', 0.2]]),
      tok('.', 0.6, [[' and', 0.2]]),
      tok(' We', 0.5, [[' Our', 0.2]]),
      tok(' evaluate', 0.4, [[' show', 0.3]]),
    ],
  },
  {
    end: 'The results show',
    tokens: [
      tok(' that', 0.95, [[' a', 0.02]]),
      tok(' the', 0.9, [[' our', 0.05]]),
      tok(' model', 0.8, [[' proposed', 0.1]]),
      tok(' outperforms', 0.7, [[' is', 0.1]]),
      tok(' the', 0.9, [[' all', 0.05]]),
      tok(' baseline', 0.8, [[' baselines', 0.15]]),
      tok('.', 0.9, [[' on', 0.05]]),
    ],
  },
  {
    // For the simulated writer (npm run eval -- --metric keystrokes): it types from the 6th word on.
    end: 'on five ',
    tokens: [
      tok('corpora', 0.97, [['datasets', 0.02]]),
      tok(' and', 0.97, [[',', 0.02]]),
      tok(' the', 0.97, [[' our', 0.02]]),
      tok(' data', 0.97, [[' results', 0.02]]),
      tok(' are', 0.97, [[' is', 0.02]]),
      tok(' shown', 0.97, [[' given', 0.02]]),
      tok(' in', 0.97, [[' on', 0.02]]),
      tok(' Table', 0.97, [[' Figure', 0.02]]),
      tok(' 1', 0.97, [[' 2', 0.02]]),
      tok('.', 0.97, [[',', 0.02]]),
    ],
  },
];

/** For prompts that match nothing: a plain sentence, every token fairly likely. */
export const DEFAULT_CONTINUATION: readonly FakeToken[] = [
  tok(' and', 0.8, [[',', 0.1]]),
  tok(' the', 0.8, [[' a', 0.1]]),
  tok(' data', 0.8, [[' model', 0.1]]),
  tok(' are', 0.8, [[' is', 0.1]]),
  tok(' shown', 0.8, [[' given', 0.1]]),
  tok(' in', 0.8, [[' on', 0.1]]),
  tok(' Table', 0.8, [[' Figure', 0.1]]),
  tok(' 1', 0.8, [[' 2', 0.1]]),
  tok('.', 0.8, [[',', 0.1]]),
];

export function continuationFor(prompt: string): readonly FakeToken[] {
  let best: Continuation | undefined;
  for (const c of CONTINUATIONS) if (prompt.endsWith(c.end) && (!best || c.end.length > best.end.length)) best = c;
  return best?.tokens ?? DEFAULT_CONTINUATION;
}

/**
 * The tokens a fake sends for one request: the continuation cut at `limit`
 * tokens and at the first stop string (not included), with why it ended.
 */
export function planCompletion(prompt: string, limit: number, stop: string[] = []): { tokens: FakeToken[]; reason: 'eos' | 'length' | 'stop' } {
  const all = continuationFor(prompt);
  const out: FakeToken[] = [];
  let text = '';
  for (const t of all) {
    if (out.length >= limit) return { tokens: out, reason: 'length' };
    const next = text + t.text;
    const hit = stop.map((s) => next.indexOf(s, Math.max(0, text.length - s.length + 1))).filter((i) => i >= 0);
    if (hit.length > 0) return { tokens: out, reason: 'stop' };
    out.push(t);
    text = next;
  }
  return { tokens: out, reason: 'eos' };
}

/** Prompt "tokens" for echo (OpenAI prompt logprobs): words with their leading spaces. */
export const promptPieces = (prompt: string): string[] => prompt.match(/\s*\S+|\s+$/g) ?? [];
