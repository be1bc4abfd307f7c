/**
 * Inline suggestions for the text before the caret: the greedy continuation
 * cut by confidence (the ghost text), and alternatives for cycling that start
 * with a different word (the next most likely first tokens, each continued
 * greedily from the same prefilled cache). One call of Engine.continuations;
 * a branch stops as soon as its WordCut has decided, so a suggestion costs
 * the tokens it shows plus one.
 */
import type { Engine } from '../engine/types';
import { DEFAULT_INLINE_SETTINGS, type InlineSettings } from './inline-settings';
import { WordCut } from './word-cut';

export interface Suggestion {
  /** The text to insert at the caret: whole words, each with its following space. */
  text: string;
  /** Joint probability of `text` (for the alternatives, of what follows their first word). */
  confidence: number;
}

export interface SuggestRequest {
  /** Defaults: DEFAULT_INLINE_SETTINGS. */
  settings?: InlineSettings;
  /**
   * How many candidates (default settings.candidates). 1 = the ghost text only;
   * the rest can be asked for later (same text, same cacheKey): the prompt's
   * cache is reused, so they cost only their own tokens.
   */
  count?: number;
  /** The page's origin: whose KV cache to reuse (see GenerateCallbacks.cacheKey). */
  cacheKey?: string;
  signal?: AbortSignal;
  /** The ghost text so far, each time it grows by a word (the first word as soon as it is decided). */
  onUpdate?: (ghost: string) => void;
}

/** Branches tried per distinct candidate wanted: two first tokens often begin the same word ("Ġmod" / "Ġmodel"). */
const BRANCHES_PER_CANDIDATE = 2;
/** Enough tokens for maxWords words of scientific English (mostly 1–2 tokens each), plus the one that ends the last. */
export const tokensFor = (maxWords: number) => maxWords * 3 + 2;

const firstWord = (text: string) => text.trimStart().split(/\s/, 1)[0];

/**
 * Up to `count` suggestions, the ghost text first, distinct in their first
 * word; [] when the model is not confident even in the first word. An empty
 * or aborted request gives [] too.
 */
export async function suggest(engine: Engine, textBeforeCaret: string, request: SuggestRequest = {}): Promise<Suggestion[]> {
  const settings = request.settings ?? DEFAULT_INLINE_SETTINGS;
  const count = Math.max(1, request.count ?? settings.candidates);
  if (textBeforeCaret.trim() === '') return [];
  const found: Suggestion[] = [];
  const seen = new Set<string>();
  let ghostEmpty = false;
  let lastGhost = '';
  let cut: WordCut | null = null;
  let current = -1;
  const settle = () => {
    if (!cut) return;
    const text = cut.shown;
    if (current === 0) ghostEmpty = text === '';
    const word = firstWord(text);
    if (text !== '' && !seen.has(word)) {
      seen.add(word);
      found.push({ text, confidence: cut.confidence });
    }
    cut = null;
  };
  const result = await engine.continuations(
    textBeforeCaret,
    { branches: Math.min(8, count === 1 ? 1 : count * BRANCHES_PER_CANDIDATE), maxNewTokens: tokensFor(settings.maxWords) },
    {
      cacheKey: request.cacheKey,
      signal: request.signal,
      onToken: (token) => {
        const { branch } = token;
        if (branch !== current) {
          settle();
          current = branch;
          // Nothing to cycle to when no ghost is shown, or enough candidates already.
          if (branch > 0 && (ghostEmpty || found.length >= count)) return true;
          cut = new WordCut({ minConfidence: settings.minConfidence, maxWords: settings.maxWords, freeWords: branch === 0 ? 0 : 1 });
        }
        if (!cut) return true;
        const stop = cut.push(token);
        if (branch === 0 && request.onUpdate && cut.shown !== lastGhost) {
          lastGhost = cut.shown;
          request.onUpdate(lastGhost);
        }
        return stop;
      },
    },
  );
  if (result.aborted) return [];
  settle();
  return ghostEmpty ? [] : found.slice(0, count);
}
