/**
 * Which CodeMirror editors hold LaTeX, and what the model's text becomes
 * there before it is shown or inserted (lib/suggest/latex-safe.ts): escaped
 * and cut back to a point where it may end. Other editors get it as written.
 *
 * An editor's language: @codemirror/language sets `data-language` on
 * `.cm-content` for a named language (`latex` for Overleaf's and the Lezer
 * LaTeX grammars, `stex` for the legacy mode). Where none is named, an
 * Overleaf editor is LaTeX (its .tex files are what it edits) and any other
 * CodeMirror editor is not.
 */
import { latexSafe, LatexSafeStream } from '../../../suggest/latex-safe';
import type { GenerationHandlers, SuggestionHandlers } from '../../generation-client';
import type { CodeMirrorKindConfig } from './isolated-controller';

const LATEX_LANGUAGES = /^(?:latex|stex|tex)$/i;

export function isLatexEditor(content: Element | null | undefined, kind: CodeMirrorKindConfig['kind']): boolean {
  const language = content?.getAttribute('data-language');
  if (language) return LATEX_LANGUAGES.test(language);
  return kind === 'overleaf';
}

/**
 * A Generate run's handlers, seeing the run as it may be shown: each delta is
 * what became showable (possibly '', while an open tail is held back), and the
 * result's text is all that may be inserted.
 */
export function latexSafeGeneration(prompt: string, latex: boolean, handlers: GenerationHandlers): GenerationHandlers {
  if (!latex) return handlers;
  const stream = new LatexSafeStream(prompt);
  let streamed = false;
  return {
    ...handlers,
    onDelta: (delta) => {
      const shown = stream.text.length;
      streamed = true;
      // Pushed whether or not the caller listens to deltas (basic mode only reads the result).
      const text = stream.push(delta);
      handlers.onDelta?.(text.slice(shown));
    },
    onDone: (result) => handlers.onDone?.({ ...result, text: streamed ? stream.text : stream.push(result.text) }),
  };
}

/** An inline suggestion's handlers, seeing candidates as they may be shown (one with nothing left is dropped). */
export function latexSafeSuggestion(before: string, latex: boolean, handlers: SuggestionHandlers): SuggestionHandlers {
  if (!latex) return handlers;
  return {
    ...handlers,
    onGhost: (text) => handlers.onGhost?.(latexSafe(before, text)),
    onDone: (candidates) => {
      const seen = new Set<string>(['']);
      const shown = candidates.map((c) => ({ ...c, text: latexSafe(before, c.text) }));
      // Two candidates can become one once cut back.
      handlers.onDone?.(shown.filter((c) => !seen.has(c.text) && seen.add(c.text)));
    },
  };
}
