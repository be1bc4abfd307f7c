/**
 * Greedy decoding, for the requests we make on our own account rather than
 * with the user's sampling settings: the inline ghost text (the most likely
 * words are the ones worth showing) and the connection test (a one-token
 * timing, the same on every backend).
 */
import type { CompletionOptions } from './types';

export const greedy = (maxNewTokens: number): CompletionOptions => ({ maxNewTokens, temperature: 0, topP: 1, topK: 0, repetitionPenalty: 1, stopAtSentenceEnd: false });

/** What "test connection" completes, one token of it. */
export const CONNECTION_TEST_PROMPT = 'The results show';
