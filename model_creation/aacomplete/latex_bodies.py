"""Paper bodies in LaTeX (`latex_papers.jsonl.gz`): split by repository, unwrap hard line wraps,
cap long theses, cut into paragraphs.

Why unwrap: many sources wrap prose at ~80 columns, but people typing in Overleaf mostly write one
line per paragraph, and that is what the extension sends the model. A model trained on wrapped text
learns to emit a newline every ~12 words, which as a suggestion is a stray line break. We join the
lines of a prose paragraph with one space and keep the line structure where LaTeX gives it meaning:
around environment and sectioning commands, after `\\\\`, and inside display math and other
environments whose lines are not prose (align rows, itemize items).
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

# Commands that start a line of their own in a typed document: never joined to the previous line.
STRUCTURAL = {
    "begin", "end", "section", "subsection", "subsubsection", "paragraph", "subparagraph", "chapter",
    "part", "item", "label", "caption", "centering", "includegraphics", "maketitle", "input", "include",
    "bibliography", "bibliographystyle", "newcommand", "renewcommand", "def", "vspace", "hspace",
    "hline", "toprule", "midrule", "bottomrule", "noindent", "newpage", "clearpage", "appendix",
    "title", "author", "date", "tableofcontents", "printbibliography", "usepackage", "setlength",
    "lstinputlisting", "resizebox", "small", "footnotesize", "bigskip", "medskip", "smallskip",
    "addplot", "node", "draw", "State", "If", "EndIf", "For", "EndFor", "Require", "Ensure", "Return",
}
# Environments whose lines keep their breaks (math rows, code, lists of items stay itemised anyway).
KEEP_LINES_ENVS = {
    "equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*",
    "eqnarray", "eqnarray*", "displaymath", "split", "alignat", "alignat*", "flalign", "flalign*",
    "verbatim", "lstlisting", "minted", "algorithmic", "algorithm", "tabular", "tabular*", "array",
    "cases", "matrix", "pmatrix", "bmatrix", "tikzpicture", "figure", "figure*", "table", "table*",
}
_CMD = re.compile(r"\\([A-Za-z]+)")
_BEGIN = re.compile(r"\\begin\{([^}]*)\}")
_END = re.compile(r"\\end\{([^}]*)\}")


def is_validation_repo(repo: str, percent: float = 10.0) -> bool:
    """A repository's papers all sit on one side: split by a hash of the lower-cased repo name."""
    h = int(hashlib.sha1(repo.strip().lower().encode("utf-8")).hexdigest()[:8], 16)
    return (h % 10_000) < percent * 100


def _starts_structural(line: str) -> bool:
    s = line.lstrip()
    if s.startswith("\\[") or s.startswith("\\]") or s.startswith("$$"):
        return True
    m = _CMD.match(s)
    return bool(m and m.group(1).rstrip("*") in STRUCTURAL)


def _is_item(line: str) -> bool:
    return line.lstrip().startswith("\\item")


def unwrap(text: str) -> str:
    """Join hard-wrapped prose lines into one line per paragraph; keep LaTeX's meaningful breaks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\t", " ")
    out: list[str] = []
    depth = 0  # inside environments whose lines keep their breaks
    prev_breaks = True  # the previous line ends a unit: the next line starts a new one
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            prev_breaks = True
            continue
        opens = [e for e in _BEGIN.findall(line) if e in KEEP_LINES_ENVS]
        closes = [e for e in _END.findall(line) if e in KEEP_LINES_ENVS]
        keep = depth > 0 or bool(opens) or bool(closes)
        if prev_breaks or keep or _starts_structural(line) or not out or out[-1] == "":
            out.append(line)
        else:
            out[-1] = out[-1] + " " + line
        depth = max(0, depth + len(opens) - len(closes))
        # an \item's text goes on over wrapped lines; other structural lines stand alone
        prev_breaks = keep or (_starts_structural(line) and not _is_item(line)) or line.endswith("\\\\") or depth > 0
    while out and out[-1] == "":
        out.pop()
    return re.sub(r"[ ]{2,}", " ", "\n".join(out))


def cap_text(text: str, max_chars: int) -> str:
    """Long theses would outweigh a dozen papers: keep their first max_chars, cut at a paragraph."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n\n", 0, max_chars)
    return text[: cut if cut > max_chars // 2 else max_chars]


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def read_papers(path: str | Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def wrapped_fraction(texts: Iterable[str]) -> float:
    """Share of prose paragraphs (not starting with a command) written over 3+ lines."""
    n = multi = 0
    for t in texts:
        for p in paragraphs(t):
            if p.lstrip().startswith("\\"):
                continue
            n += 1
            multi += len(p.split("\n")) >= 3
    return multi / max(n, 1)


def prose_breaks_per_kword(texts: Iterable[str]) -> float:
    """Line breaks inside prose paragraphs per 1,000 words: what a model trained on the text learns to suggest."""
    breaks = words = 0
    for t in texts:
        for p in paragraphs(t):
            if not p.lstrip().startswith("\\"):
                breaks += p.count("\n")
                words += len(p.split())
    return 1000 * breaks / max(words, 1)
