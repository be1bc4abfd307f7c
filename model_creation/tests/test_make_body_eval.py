"""make_body_eval.py on a small synthetic paper: which lines are prose, their context, the spread and the seed."""
from __future__ import annotations

import json

import make_body_eval as mbe

PROSE = [
    f"Paragraph {i} explains how the method works on real data, and it cites earlier work \\cite{{smith{i}}} and "
    f"refers to Section~\\ref{{sec:m{i}}} while it uses a small amount of math such as $x_{i}$ here. It keeps going "
    "with plain sentences a person types in Overleaf, so that it is long enough to be picked by the filter."
    for i in range(12)
]


def paper() -> str:
    parts = ["\\section{Introduction}", PROSE[0], PROSE[1],
             "\\begin{figure}[t]\n\\centering\n\\includegraphics{f.pdf}\n"
             f"\\caption{{{PROSE[2]}}}\n\\end{{figure}}",
             # prose-looking lines inside an environment that is not prose are never picked
             f"\\begin{{itemize}}\n{PROSE[3]}\n\\end{{itemize}}",
             "\\subsection{Method}\n" + PROSE[4],
             "\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}",
             "Too short to be a paragraph worth typing.",
             PROSE[5] + " \\\\ with a forced line break",
             "\\begin{abstract}\n" + PROSE[6] + "\n\\end{abstract}"]
    parts += PROSE[7:]
    return "\n\n".join(parts)


def test_is_prose_keeps_typed_text_and_drops_markup_heavy_lines():
    assert mbe.is_prose(PROSE[0])
    assert not mbe.is_prose("short sentence.")
    assert not mbe.is_prose("\\noindent " + PROSE[0])  # starts with a command
    assert not mbe.is_prose(PROSE[0][:-1] + ",")  # does not end a sentence
    assert not mbe.is_prose(PROSE[0] + " $$x = y$$.")  # display math
    assert not mbe.is_prose(PROSE[0].replace("a small", "a & b"))  # table cell
    assert not mbe.is_prose("We " + " ".join(f"$a_{{{i}}} + b$" for i in range(30)) + ".")  # mostly math
    assert not mbe.is_prose("We " + " ".join(f"\\foo{{{i}}}" for i in range(40)) + " end.")  # mostly commands
    assert not mbe.is_prose("x" * 1501)


def test_candidates_are_the_prose_lines_outside_non_prose_environments():
    text = paper()
    cands = mbe.candidates(text)
    lines = [line for _, line in cands]
    assert lines == [PROSE[0], PROSE[1], PROSE[4], PROSE[6]] + PROSE[7:]
    for offset, line in cands:
        assert text[offset: offset + len(line)] == line


def test_context_is_the_document_before_the_paragraph_ending_with_its_line_breaks():
    text = paper()
    offset, line = mbe.candidates(text)[1]
    ctx = mbe.context_before(text, offset)
    assert ctx == "\\section{Introduction}\n\n" + PROSE[0] + "\n\n"
    assert (ctx + line) == text[: offset + len(line)]
    # a heading line right above: the context ends with it and one line break
    offset4 = next(o for o, l in mbe.candidates(text) if l == PROSE[4])
    assert mbe.context_before(text, offset4).endswith("\\subsection{Method}\n")


def test_long_context_keeps_about_the_last_2000_chars_from_a_line_or_word_start():
    text = paper()
    offset, _ = mbe.candidates(text)[-1]
    ctx = mbe.context_before(text, offset)
    assert 1500 <= len(ctx) <= mbe.CONTEXT_CHARS
    assert text[:offset].endswith(ctx)
    start = offset - len(ctx)
    assert text[start - 1] in "\n "  # never a cut word


def test_records_spread_over_the_paper_and_repeat_with_the_seed():
    papers = [{"repo": "a/x", "text": paper()}, {"repo": "b/y", "text": paper()}]
    recs = list(mbe.records(papers, per_repo=4, seed=3))
    assert [r["repo"] for r in recs] == ["a/x"] * 4 + ["b/y"] * 4
    assert recs == list(mbe.records(papers, per_repo=4, seed=3))
    cands = [line for _, line in mbe.candidates(paper())]
    picked = [cands.index(r["text"]) for r in recs[:4]]
    # one from each quarter of the 9 candidates, [0,2) [2,4) [4,7) [7,9), in document order
    assert len(cands) == 9
    assert all(lo <= i < hi for i, (lo, hi) in zip(picked, [(0, 2), (2, 4), (4, 7), (7, 9)]))
    for r in recs:
        assert set(r) == {"text", "context", "repo"}
    # a repository with fewer candidates than asked gives them all
    assert len(list(mbe.records(papers[:1], per_repo=50, seed=3))) == 9
    # other seeds pick other paragraphs (somewhere over a few tries)
    assert any(list(mbe.records(papers, 4, s)) != recs for s in range(4, 10))


def test_main_writes_jsonl(tmp_path):
    src = tmp_path / "valid.jsonl"
    src.write_text(json.dumps({"repo": "a/x", "text": paper()}) + "\n")
    out = tmp_path / "eval" / "bodies.jsonl"
    mbe.main(["--src", str(src), "--out", str(out), "--per-repo", "3"])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 3 and all(r["text"] in PROSE for r in rows)
