/**
 * The LaTeX that latex-safe-scanner.ts knows by name: which environments are
 * math, separate cells with `&` or are read verbatim, which commands take a
 * text argument even in math or a key argument (left as written), and which
 * control symbols want an argument. Everything else is read by its characters.
 */

/** Environments whose body is math. */
export const MATH_ENVS = new Set(
  ['equation', 'align', 'alignat', 'flalign', 'gather', 'multline', 'eqnarray', 'math', 'displaymath', 'dmath', 'darray']
    .flatMap((name) => [name, `${name}*`]),
);
/** Environments where `&` separates cells: left bare there, escaped everywhere else. */
export const ALIGN_ENVS = new Set(
  [
    'tabular', 'tabularx', 'tabulary', 'longtable', 'supertabular', 'xtabular', 'tabu', 'array', 'subarray', 'align',
    'alignat', 'flalign', 'eqnarray', 'aligned', 'alignedat', 'split', 'cases', 'dcases', 'rcases', 'matrix', 'pmatrix',
    'bmatrix', 'Bmatrix', 'vmatrix', 'Vmatrix', 'smallmatrix', 'darray',
  ].flatMap((name) => [name, `${name}*`]),
);
/** Environments whose body is read as written, up to `\end{name}`. */
export const VERBATIM_ENVS = new Set(['verbatim', 'verbatim*', 'Verbatim', 'Verbatim*', 'BVerbatim', 'LVerbatim', 'lstlisting', 'minted', 'comment']);
/** Commands whose brace argument is text even inside math. */
export const TEXT_COMMANDS = new Set([
  'text', 'textrm', 'textsf', 'texttt', 'textbf', 'textit', 'textsl', 'textsc', 'textup', 'textmd', 'textnormal', 'emph',
  'mbox', 'hbox', 'fbox', 'intertext', 'shortintertext',
]);
/** Commands whose brace argument is a key, label, file name or URL: nothing in it is escaped (but `%`). */
export const KEY_COMMAND = /^(?:[A-Za-z]*(?:cite|ref)[A-Za-z]*|label|begin|end|input|include|includegraphics|usepackage|documentclass|bibliography|bibliographystyle|url|href|nocite)$/;
/** Control symbols that take an argument (accents): `\'` alone at the end would eat what follows. */
export const ACCENTS = new Set(["'", '`', '^', '"', '~', '=', '.']);
export const isLetter = (ch: string) => /^[A-Za-z@]$/.test(ch);
export const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
