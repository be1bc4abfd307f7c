/**
 * Inline suggestions from a server: one streamed greedy completion of the text
 * before the caret (plus the text after it where the server has infill), fed
 * token by token into the same WordCut the bundled model uses. With
 * log-probabilities (Ollama ≥ 0.12.11 `logprobs`, llama.cpp `n_probs`, OpenAI
 * `logprobs`) the confidence cut applies exactly as for the bundled model, and
 * the probability that a word ended comes from the top alternatives that start
 * with whitespace; without them, every token counts as certain, so the
 * suggestion is cut only by maxWords, the sentence end and a newline, and its
 * confidence is left undefined. The request is aborted as soon as the cut has
 * decided, so a suggestion costs about the tokens it shows plus one.
 * One candidate: cycling through alternatives needs the bundled model's branches.
 */
import { DEFAULT_INLINE_SETTINGS } from '../suggest/inline-settings';
import { tokensFor } from '../suggest/suggester';
import { WordCut, type CutToken } from '../suggest/word-cut';
import { greedy } from './greedy';
import { startBudget } from './suggest-budget';
import type { Backend, BackendSuggestRequest, BackendSuggestion, TokenLogprob } from './types';

/** Alternatives asked for per token: enough to estimate "a new word starts here". */
export const SUGGEST_TOP_LOGPROBS = 5;

const startsWithSpace = (s: string) => /^\s/.test(s);

/** A server token as WordCut reads it. */
export function cutToken(token: TokenLogprob): CutToken {
  const probability = Math.exp(token.logprob);
  if (!token.top || token.top.length === 0) return { text: token.text, probability };
  let space = 0;
  for (const alt of token.top) if (startsWithSpace(alt.text)) space += Math.exp(alt.logprob);
  // The chosen token may be missing from a truncated top list; it is itself an alternative.
  if (startsWithSpace(token.text) && !token.top.some((alt) => alt.text === token.text)) space += probability;
  return { text: token.text, probability, spaceProbability: Math.min(1, space) };
}

export async function suggestFromServer(backend: Pick<Backend, 'complete' | 'capabilities'>, textBeforeCaret: string, request: BackendSuggestRequest = {}): Promise<BackendSuggestion[]> {
  if (textBeforeCaret.trim() === '') return [];
  const settings = request.settings ?? DEFAULT_INLINE_SETTINGS;
  const budget = startBudget(request.budgetMs, request.signal);
  const cut = new WordCut({ minConfidence: settings.minConfidence, maxWords: settings.maxWords });
  let withLogprobs = false;
  let shown = '';
  const push = (token: CutToken): boolean => {
    const stop = cut.push(token);
    if (cut.shown !== shown) {
      shown = cut.shown;
      budget.met();
      request.onUpdate?.(shown);
    }
    return stop;
  };
  try {
    const caps = await backend.capabilities(budget.signal);
    const result = await backend.complete(
      {
        prompt: textBeforeCaret,
        suffix: caps.infill ? request.suffix : undefined,
        // Greedy, as the bundled model's ghost text: the most likely words are the ones worth showing.
        options: greedy(tokensFor(settings.maxWords)),
        topLogprobs: SUGGEST_TOP_LOGPROBS,
      },
      {
        signal: budget.signal,
        cacheKey: request.cacheKey,
        onToken: (token) => {
          withLogprobs = true;
          return push(cutToken(token));
        },
        // Servers that send no log-probabilities: each delta (one token, as they stream) counts as certain.
        onDelta: (delta) => {
          if (!withLogprobs && !cut.done) push({ text: delta, probability: 1 });
        },
      },
    );
    if (result.stopReason === 'aborted') return [];
    if (result.stopReason === 'eos' && !cut.done) push({ text: '', probability: 1, end: true });
  } catch (e) {
    if (budget.signal.aborted) return [];
    throw e;
  } finally {
    budget.dispose();
  }
  const text = cut.shown;
  return text === '' ? [] : [{ text, confidence: withLogprobs ? cut.confidence : undefined }];
}
