import { describe, expect, it } from 'vitest';
import { caretInMath, latexSafe, LatexSafeStream } from './latex-safe';

const PARA = 'We evaluate the method on three benchmarks. It ';

describe('latexSafe: escaping in text mode', () => {
  it('escapes %, &, # and _ in prose', () => {
    expect(latexSafe(PARA, 'improves accuracy by up to 10%, and achieves ')).toBe('improves accuracy by up to 10\\%, and achieves ');
    expect(latexSafe(PARA, 'gets (81.3 and 75.2%) over R&D #3 in the file_name ')).toBe(
      'gets (81.3 and 75.2\\%) over R\\&D \\#3 in the file\\_name ',
    );
  });

  it('leaves an already escaped \\% (and \\&, \\#, \\_) as it is', () => {
    expect(latexSafe(PARA, 'improves by 10\\% and R\\&D \\#1 a\\_b ')).toBe('improves by 10\\% and R\\&D \\#1 a\\_b ');
    // The caret right after a backslash the user typed: the model's % completes `\%`.
    expect(latexSafe('a gain of 10\\', '% over ')).toBe('% over ');
  });

  it('treats \\\\ as a line break, so a % after it is bare', () => {
    expect(latexSafe(PARA, 'first\\\\ 10% second ')).toBe('first\\\\ 10\\% second ');
    expect(latexSafe(PARA, 'first\\\\[2pt] 5% ')).toBe('first\\\\[2pt] 5\\% ');
  });

  it('reads \\$ as a literal dollar, not math', () => {
    expect(latexSafe(PARA, 'costs \\$5, a 10% saving ')).toBe('costs \\$5, a 10\\% saving ');
    expect(caretInMath('it costs \\$5 and ')).toBe(false);
  });

  it('escapes ^ in text (bare, it is a "Missing $ inserted" error) and leaves it in math', () => {
    expect(latexSafe(PARA, 'a^b ')).toBe('a\\textasciicircum{}b ');
    expect(latexSafe(PARA, 'with $x^2$ and ')).toBe('with $x^2$ and ');
    expect(latexSafe('the norm $\\|x\\|', '^2$ is ')).toBe('^2$ is ');
  });
});

describe('latexSafe: math', () => {
  it('leaves _ alone inside $…$ opened by the model, and escapes it again after', () => {
    expect(latexSafe(PARA, 'uses $x_i$ for each input_id ')).toBe('uses $x_i$ for each input\\_id ');
  });

  it('the caret inside $…$: _ stays bare, the model may close the math, then text rules apply', () => {
    expect(caretInMath('with weights $w')).toBe(true);
    expect(latexSafe('with weights $w', '_i + b_i$ and a 5% ')).toBe('_i + b_i$ and a 5\\% ');
    // Still in the user's math at the end is no worse than before: nothing is cut.
    expect(latexSafe('with weights $w', '_i + b_i ')).toBe('_i + b_i ');
  });

  it('the caret right after the user\'s opening $: that math is the user\'s, so the model need not close it', () => {
    expect(caretInMath('the cost $')).toBe(true);
    expect(latexSafe('the cost $', 'x_1 + y ')).toBe('x_1 + y ');
    expect(latexSafe('the cost $', 'x_1$ and 5% ')).toBe('x_1$ and 5\\% ');
    // A $ the model writes is its own to close, whatever it turns out to be.
    expect(latexSafe('the cost ', '$x_1 + y')).toBe('');
    expect(latexSafe('the cost ', '$$x_1 + y')).toBe('');
  });

  it('\\(…\\) and \\[…\\] are math; & in inline math is escaped, % in math too (it would comment out the closing)', () => {
    expect(latexSafe(PARA, 'uses \\(x_1\\) and \\[y_2\\] then a_b ')).toBe('uses \\(x_1\\) and \\[y_2\\] then a\\_b ');
    expect(latexSafe(PARA, 'has $10%$ and $a&b$ ')).toBe('has $10\\%$ and $a\\&b$ ');
    expect(caretInMath('so \\(a')).toBe(true);
    expect(caretInMath('so \\(a\\) b')).toBe(false);
  });

  it('$$…$$ is display math, closed only by $$', () => {
    expect(latexSafe(PARA, 'gives $$x_1 = y_2$$ and z_3 ')).toBe('gives $$x_1 = y_2$$ and z\\_3 ');
    expect(caretInMath('gives $$x')).toBe(true);
    // A lone $ inside $$…$$ is an error: nothing from there on.
    expect(latexSafe(PARA, 'gives $$x$ and more ')).toBe('gives ');
  });

  it('math environments: _ bare, & bare where it separates cells', () => {
    const align = 'We have\n\\begin{align}\n  a_1 ';
    expect(caretInMath(align)).toBe(true);
    expect(latexSafe(align, '&= b_1 \\\\\n  c_2 &= d_2 ')).toBe('&= b_1 \\\\\n  c_2 &= d_2 ');
    expect(latexSafe('\\begin{equation}\n x ', '&= y_1 ')).toBe('\\&= y_1 ');
    expect(latexSafe('\\begin{tabular}{lr}\n Model ', '& 10% \\\\ ')).toBe('& 10\\% \\\\ ');
  });

  it('\\text{…} inside math is text again', () => {
    expect(latexSafe('where $x', ' = \\text{rate_of 5%}$ ')).toBe(' = \\text{rate\\_of 5\\%}$ ');
  });

  it('math does not survive a blank line: a before-text that starts inside math is right again after the paragraph', () => {
    expect(caretInMath('a_1 + b$ is the sum.\n\nNext paragraph ')).toBe(false);
    expect(latexSafe('a_1 + b$ is the sum.\n\nNext paragraph ', 'with rate_1 ')).toBe('with rate\\_1 ');
    // A comment line before the blank line does not hide it (TeX drops the comment with its line end).
    expect(caretInMath('a_1 + b$ is the sum. % see above\n\nNext paragraph ')).toBe(false);
    expect(caretInMath('a_1 + b$ is the sum.\n% see above\n\nNext paragraph ')).toBe(false);
    expect(caretInMath('a_1 + b$ is the sum. % see above\nstill the same paragraph ')).toBe(true);
    // The model's own math across a blank line is an error.
    expect(latexSafe(PARA, 'so $x\n\ny$ ')).toBe('so ');
  });
});

describe('latexSafe: never ends inside something open', () => {
  it('cuts back open inline math', () => {
    expect(latexSafe(PARA, 'reaches a score of $\\mathrm')).toBe('reaches a score of ');
    expect(latexSafe(PARA, 'reaches $x_')).toBe('reaches ');
    expect(latexSafe(PARA, 'reaches $')).toBe('reaches ');
    expect(latexSafe(PARA, 'reaches \\(x')).toBe('reaches ');
  });

  it('cuts back an open brace group, nested ones included, and keeps a closed one', () => {
    expect(latexSafe(PARA, 'is \\textbf{very {good} fast')).toBe('is ');
    expect(latexSafe(PARA, 'is \\textbf{very {good} fast} and ')).toBe('is \\textbf{very {good} fast} and ');
    expect(latexSafe(PARA, 'is {a {b}} c {d')).toBe('is {a {b}} c ');
  });

  it('cuts back a command name or a command still waiting for its argument', () => {
    expect(latexSafe(PARA, 'as shown in \\autoref')).toBe('as shown in ');
    expect(latexSafe(PARA, 'as shown by \\citet ')).toBe('as shown by ');
    expect(latexSafe(PARA, 'as in \\cite[p.~5]')).toBe('as in ');
    expect(latexSafe(PARA, 'see \\section*')).toBe('see ');
    expect(latexSafe(PARA, 'na\\"')).toBe('na');
    expect(latexSafe(PARA, 'trailing \\')).toBe('trailing ');
    expect(latexSafe(PARA, 'uses \\LaTeX{} and ')).toBe('uses \\LaTeX{} and ');
  });

  it('cuts back an environment the model opened and did not close', () => {
    expect(latexSafe(PARA, 'lists:\n\\begin{itemize}\n\\item one ')).toBe('lists:\n');
    expect(latexSafe(PARA, 'lists:\n\\begin{itemize}\n\\item one\n\\end{itemize}\nThen ')).toBe(
      'lists:\n\\begin{itemize}\n\\item one\n\\end{itemize}\nThen ',
    );
  });

  it('stops before a closer that closes nothing the model may close', () => {
    expect(latexSafe(PARA, 'works} well ')).toBe('works');
    expect(latexSafe(PARA, 'works \\end{document} more ')).toBe('works ');
    expect(latexSafe(PARA, 'works \\) more ')).toBe('works ');
  });

  it('lets the model close the user\'s own groups', () => {
    expect(latexSafe('\\textbf{our method', ' is fast} and 10% ')).toBe(' is fast} and 10\\% ');
    expect(latexSafe('\\begin{itemize}\n\\item a\n', '\\end{itemize}\nNext ')).toBe('\\end{itemize}\nNext ');
  });

  it('an empty or entirely unsafe continuation gives nothing', () => {
    expect(latexSafe(PARA, '')).toBe('');
    expect(latexSafe(PARA, '$\\alpha')).toBe('');
  });
});

describe('latexSafe: where nothing is escaped', () => {
  it('in a % comment already on the line, up to its end', () => {
    expect(latexSafe('text % a note: 10', '% of _all_ & more\nNext 5% ')).toBe('% of _all_ & more\nNext 5\\% ');
    // An escaped \% does not start a comment.
    expect(latexSafe('a 5\\% gain ', 'and 10% ')).toBe('and 10\\% ');
  });

  it('in key arguments: \\cite, \\ref, \\label, \\url (but % still, which would comment out the closing brace)', () => {
    expect(latexSafe('as shown in \\cite{smith_', '2020} and 5% ')).toBe('2020} and 5\\% ');
    expect(latexSafe(PARA, 'see Fig.~\\ref{fig:loss_curve} and \\url{a_b#c} ')).toBe('see Fig.~\\ref{fig:loss_curve} and \\url{a_b#c} ');
    expect(latexSafe(PARA, 'see \\cite[Sec.~2]{a_b} ')).toBe('see \\cite[Sec.~2]{a_b} ');
    expect(latexSafe(PARA, '\\url{a%b} ')).toBe('\\url{a\\%b} ');
  });

  it('in \\verb and verbatim environments', () => {
    expect(latexSafe(PARA, 'run \\verb|a_b %x| then 5% ')).toBe('run \\verb|a_b %x| then 5\\% ');
    expect(latexSafe('\\begin{verbatim}\nx = ', 'a_b % c\n\\end{verbatim}\n5% ')).toBe('a_b % c\n\\end{verbatim}\n5\\% ');
    expect(latexSafe('\\begin{verbatim}\nx = ', 'a_b % c')).toBe('a_b % c');
  });
});

describe('LatexSafeStream', () => {
  it('shows what may be shown while streaming, holds back an open tail, and shows it once the model closes it', () => {
    const stream = new LatexSafeStream(PARA);
    expect(stream.push('improves by ')).toBe('improves by ');
    expect(stream.push('10%')).toBe('improves by 10\\%');
    expect(stream.push(' in $\\math')).toBe('improves by 10\\% in ');
    expect(stream.push('rm{F}_1')).toBe('improves by 10\\% in ');
    expect(stream.push('$ score')).toBe('improves by 10\\% in $\\mathrm{F}_1$ score');
  });

  it('drops a tail that never closes', () => {
    const stream = new LatexSafeStream(PARA);
    stream.push('reaches a score of ');
    stream.push('$\\mathrm');
    expect(stream.text).toBe('reaches a score of ');
  });

  it('what it shows only grows, whatever the pieces', () => {
    const text = 'gives 10% & $x_1$ with \\textbf{a_b} and {c} \\cite{k_1} 5#';
    for (const size of [1, 2, 3, 7]) {
      const stream = new LatexSafeStream(PARA);
      let shown = '';
      for (let i = 0; i < text.length; i += size) {
        const next = stream.push(text.slice(i, i + size));
        expect(next.startsWith(shown)).toBe(true);
        shown = next;
      }
      expect(shown).toBe(latexSafe(PARA, text));
      expect(shown).toBe('gives 10\\% \\& $x_1$ with \\textbf{a\\_b} and {c} \\cite{k_1} 5\\#');
    }
  });
});
