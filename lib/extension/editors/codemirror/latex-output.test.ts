// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Candidate, GenerationSummary } from '../../protocol';
import { isLatexEditor, latexSafeGeneration, latexSafeSuggestion } from './latex-output';

const content = (language?: string) => {
  const el = document.createElement('div');
  el.className = 'cm-content';
  if (language !== undefined) el.setAttribute('data-language', language);
  return el;
};
const summary = (text: string): GenerationSummary => ({ text, tokens: 5, stopReason: 'max_tokens', timeToFirstTokenMs: 1, totalMs: 2 });

describe('isLatexEditor', () => {
  it('follows the language CodeMirror names on .cm-content', () => {
    expect(isLatexEditor(content('latex'), 'codemirror')).toBe(true);
    expect(isLatexEditor(content('stex'), 'codemirror')).toBe(true);
    expect(isLatexEditor(content('markdown'), 'codemirror')).toBe(false);
    expect(isLatexEditor(content('bibtex'), 'overleaf')).toBe(false);
  });

  it('with no language named: an Overleaf editor is LaTeX, any other CodeMirror editor is not', () => {
    expect(isLatexEditor(content(), 'overleaf')).toBe(true);
    expect(isLatexEditor(content(), 'codemirror')).toBe(false);
    expect(isLatexEditor(null, 'overleaf')).toBe(true);
  });
});

describe('latexSafeGeneration', () => {
  it('hands on what became showable with each delta, holding back an open tail until the model closes it', () => {
    const deltas: string[] = [];
    const results: string[] = [];
    const handlers = latexSafeGeneration('It ', true, { onDelta: (d) => deltas.push(d), onDone: (r) => results.push(r.text) });
    for (const piece of ['improves by 10%', ' in $F', '_1$ and', ' $\\math']) handlers.onDelta!(piece);
    handlers.onDone!(summary('improves by 10% in $F_1$ and $\\math'));
    expect(deltas).toEqual(['improves by 10\\%', ' in ', '$F_1$ and', ' ']);
    expect(results).toEqual(['improves by 10\\% in $F_1$ and ']);
  });

  it('a caller that reads only the result (basic mode) gets the streamed text made safe', () => {
    const results: string[] = [];
    const handlers = latexSafeGeneration('It ', true, { onDone: (r) => results.push(r.text) });
    for (const piece of ['gains 5', '% in $x', '$ and $y']) handlers.onDelta!(piece);
    handlers.onDone!(summary('gains 5% in $x$ and $y'));
    expect(results).toEqual(['gains 5\\% in $x$ and ']);
  });

  it('a run that sent no deltas is made safe from its result', () => {
    const results: string[] = [];
    latexSafeGeneration('It ', true, { onDone: (r) => results.push(r.text) }).onDone!(summary('gains 5% & more'));
    expect(results).toEqual(['gains 5\\% \\& more']);
  });

  it('outside LaTeX editors the handlers are the caller\'s own', () => {
    const handlers = { onDelta: () => undefined };
    expect(latexSafeGeneration('It ', false, handlers)).toBe(handlers);
  });
});

describe('latexSafeSuggestion', () => {
  it('makes the ghost and every candidate safe, dropping one with nothing left and one that became a copy', () => {
    const ghosts: string[] = [];
    let final: Candidate[] = [];
    const handlers = latexSafeSuggestion('accuracy by up to ', true, { onGhost: (t) => ghosts.push(t), onDone: (c) => (final = c) });
    handlers.onGhost!('10% ');
    handlers.onDone!([
      { text: '10% on ', confidence: 0.6 },
      { text: '$\\alpha', confidence: 0.2 },
      { text: '10% on $x', confidence: 0.1 },
      { text: '12 points ', confidence: 0.1 },
    ]);
    expect(ghosts).toEqual(['10\\% ']);
    expect(final).toEqual([
      { text: '10\\% on ', confidence: 0.6 },
      { text: '12 points ', confidence: 0.1 },
    ]);
  });

  it('outside LaTeX editors the handlers are the caller\'s own', () => {
    const handlers = { onGhost: () => undefined };
    expect(latexSafeSuggestion('a', false, handlers)).toBe(handlers);
  });
});
