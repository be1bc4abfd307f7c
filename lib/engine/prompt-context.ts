/**
 * The tokens a prompt becomes before decoding: fitted to the context window,
 * with a mid-word tail backed off for token healing.
 */
import { fitPrompt } from './context-window';
import { planTokenHealing, HealingConstraint } from './token-healing';
import type { GeneratorParts } from './generator-parts';

export interface PromptContext {
  /** Ids to feed (never empty). */
  context: number[];
  /** Bytes backed off by token healing, which the first generated tokens must re-create. */
  removed: Uint8Array;
  /** New tokens that fit after the context. */
  maxNewTokens: number;
}

export function promptContext(parts: GeneratorParts, prompt: string, maxNewTokens: number, tokenHealing = true): PromptContext {
  if (prompt.length === 0) throw new Error('prompt is empty');
  const fit = fitPrompt(parts.encode(prompt), parts.nPositions, maxNewTokens);
  const healing = tokenHealing ? planTokenHealing(fit.ids, parts.table) : { contextIds: fit.ids, removed: new Uint8Array(0) };
  // With the whole prompt backed off, <|endoftext|> is the context (a document start in training).
  const context = healing.contextIds.length > 0 ? healing.contextIds : [parts.eosTokenId];
  return { context, removed: healing.removed, maxNewTokens: fit.maxNewTokens };
}

/** A fresh constraint for one decoding of `ctx` (null when nothing was backed off). */
export function healingConstraint(parts: GeneratorParts, ctx: PromptContext): HealingConstraint | null {
  return ctx.removed.length > 0 ? new HealingConstraint(parts.table, ctx.removed, parts.healingPool) : null;
}
