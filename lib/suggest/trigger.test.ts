import { describe, expect, it } from 'vitest';
import { maySuggest, triggerVerdict } from './trigger';

const at = (before: string, after = '', selection = false) => triggerVerdict({ before, after, selection });

describe('triggerVerdict', () => {
  it('suggests at the end of a line, or before only whitespace and closing brackets', () => {
    expect(at('We propose a method')).toEqual({ ok: true });
    expect(at('We propose a ', '\nNext line')).toEqual({ ok: true });
    expect(at('\\textbf{We propose', '}')).toEqual({ ok: true });
    expect(at('(see the results', ') ]  \t\n more')).toEqual({ ok: true });
    expect(at('line one\nWe propose', '\r\nnext')).toEqual({ ok: true });
  });

  it('not mid-line, not with a selection, not in an empty field', () => {
    expect(at('We propose', ' a method')).toEqual({ ok: false, reason: 'mid-line' });
    expect(at('We pro', 'pose')).toEqual({ ok: false, reason: 'mid-line' });
    expect(at('We propose', '', true)).toEqual({ ok: false, reason: 'selection' });
    expect(at('   \n ')).toEqual({ ok: false, reason: 'empty' });
  });

  it('not inside a LaTeX command name', () => {
    expect(at('as shown in \\sec')).toEqual({ ok: false, reason: 'command-name' });
    expect(at('as shown in \\')).toEqual({ ok: false, reason: 'command-name' });
    expect(at('see \\emph*')).toEqual({ ok: false, reason: 'command-name' });
    // `\\` is a line break, and `\%` an escaped percent sign: prose may follow.
    expect(at('first line \\\\')).toEqual({ ok: true });
    expect(at('a 5\\% gain in')).toEqual({ ok: true });
    expect(at('\\section{Introduction} We')).toEqual({ ok: true });
  });

  it('not inside the braces of \\cite, \\ref, \\label, \\begin, \\end and their variants', () => {
    for (const cmd of ['cite', 'citep', 'citet', 'parencite', 'textcite', 'autocite', 'ref', 'eqref', 'autoref', 'cref', 'Cref', 'pageref', 'label', 'begin', 'end']) {
      expect(maySuggest({ before: `as in \\${cmd}{`, after: '' }), cmd).toBe(false);
      expect(maySuggest({ before: `as in \\${cmd}{smith20`, after: '}' }), cmd).toBe(false);
    }
    expect(at('as in \\citep[p.~3][see]{smi', '}')).toEqual({ ok: false, reason: 'key-braces' });
    expect(at('\\begin{equ')).toEqual({ ok: false, reason: 'key-braces' });
    expect(at('shown by \\cite{smith20} and')).toEqual({ ok: true });
    expect(at('\\label{sec:intro} In this section we')).toEqual({ ok: true });
    // Prose braces are fine.
    expect(at('\\emph{a new')).toEqual({ ok: true });
  });

  it('not in a % comment', () => {
    expect(at('% TODO: rewrite the')).toEqual({ ok: false, reason: 'comment' });
    expect(at('text\n  % note to self')).toEqual({ ok: false, reason: 'comment' });
    expect(at('We gain 5% in')).toEqual({ ok: false, reason: 'comment' });
    expect(at('% a comment\nWe propose')).toEqual({ ok: true });
  });
});
