#!/usr/bin/env python3
"""Body paragraphs for the keystroke eval (`npm run eval -- --metric keystrokes`), with their context.

Reads the held-out papers (`{repo, text}` per line, the LaTeX unwrapped to one line per paragraph,
as prepare_bodies.py writes model_creation/work/mix/bodies/valid.jsonl) and writes one record per
picked paragraph to model_creation/work/eval/bodies_valid.jsonl (git-ignored: derived from the corpus):

  {"text": paragraph, "context": the document before it (its last ~2000 characters), "repo": ...}

`text` is what the simulated writer types; `context` is what the model sees before it, as in the
editor (earlier paragraphs, headings, figures), ending with the line break(s) that precede the
paragraph, so context + text is the document as written.

Only prose is picked, the text a person types: a line of its own, outside environments other than
document/abstract/quote, starting with a letter, 200-1500 characters, ending a sentence, with no
display math, table rows, list items or line breaks, and little inline math or markup. Inline
citations, references and `$x$` stay: the writer types them as a person would. A few paragraphs
per repository, one from each equal stretch of its candidates (spread over the paper), chosen with
a seeded generator, so the same input always gives the same file.

Stdlib only: /usr/bin/python3 model_creation/make_body_eval.py [--src F] [--out F] [--per-repo N] [--seed S]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator

HERE = Path(__file__).resolve().parent
DEFAULT_SRC = HERE / "work" / "mix" / "bodies" / "valid.jsonl"
DEFAULT_OUT = HERE / "work" / "eval" / "bodies_valid.jsonl"

MIN_CHARS, MAX_CHARS = 200, 1500
CONTEXT_CHARS = 2000
MIN_WORDS = 30
# Environments whose lines may be prose; inside any other (figure, itemize, align, ...) nothing is picked.
PROSE_ENVS = {"document", "abstract", "quote", "quotation"}

_BEGIN_END = re.compile(r"\\(begin|end)\s*\{([^}]*)\}")
_COMMAND = re.compile(r"\\[A-Za-z@]+")
_INLINE_MATH = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$|\\\(.*?\\\)")
# Display math, table rows and cells, line breaks, list items, environments, sectioning inside the line.
_NOT_PROSE = re.compile(
    r"\$\$|\\\[|\\\]|\\\\|(?<!\\)&|\\item\b|\\begin\b|\\end\b|\\(?:sub)*section\b|\\chapter\b|\\caption\b|\\label\b"
)
_SENTENCE_END = re.compile(r"[.!?:][\"')}\]]*$")


def _env_changes(line: str) -> Iterator[tuple[str, str]]:
    for kind, name in _BEGIN_END.findall(line):
        yield kind, name.strip()


def is_prose(line: str) -> bool:
    """A paragraph a person types: sentences of words, with at most light inline markup."""
    if not MIN_CHARS <= len(line) <= MAX_CHARS or line != line.strip():
        return False
    if not line[0].isalpha() or _NOT_PROSE.search(line) or not _SENTENCE_END.search(line):
        return False
    if len(line.split()) < MIN_WORDS:
        return False
    math = sum(len(m) for m in _INLINE_MATH.findall(line))
    commands = len(_COMMAND.findall(line))
    letters = sum(c.isalpha() for c in line)
    return math <= 0.2 * len(line) and commands <= len(line) / 60 and letters >= 0.6 * len(line)


def candidates(text: str) -> list[tuple[int, str]]:
    """(offset, line) of each prose line of a paper, in document order, outside non-prose environments."""
    out: list[tuple[int, str]] = []
    stack: list[str] = []
    offset = 0
    for line in text.split("\n"):
        if all(e in PROSE_ENVS for e in stack) and is_prose(line):
            out.append((offset, line))
        for kind, name in _env_changes(line):
            if kind == "begin":
                stack.append(name)
            elif name in stack:
                # close the innermost environment of that name (and anything left open inside it)
                del stack[len(stack) - 1 - stack[::-1].index(name):]
        offset += len(line) + 1
    return out


def context_before(text: str, offset: int, max_chars: int = CONTEXT_CHARS) -> str:
    """The last ~max_chars of the document before offset, starting at a line start or, failing that, a word."""
    before = text[:offset]
    if len(before) <= max_chars:
        return before
    tail = before[-max_chars:]
    nl = tail.find("\n")
    if 0 <= nl < max_chars // 4:
        return tail[nl + 1:]
    space = tail.find(" ")
    return tail[space + 1:] if space >= 0 else tail


def pick(cands: list[tuple[int, str]], k: int, rng: random.Random) -> list[tuple[int, str]]:
    """One candidate from each of k equal stretches of the list: spread over the whole paper."""
    if len(cands) <= k:
        return list(cands)
    bounds = [round(i * len(cands) / k) for i in range(k + 1)]
    return [cands[rng.randrange(bounds[i], bounds[i + 1])] for i in range(k)]


def records(papers: Iterable[dict], per_repo: int, seed: int) -> Iterator[dict]:
    for paper in papers:
        repo, text = paper["repo"], paper["text"]
        rng = random.Random(f"{seed}:{repo}")  # per repository: adding a paper does not reshuffle the others
        for offset, line in pick(candidates(text), per_repo, rng):
            yield {"text": line, "context": context_before(text, offset), "repo": repo}


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("repo"), str) or not isinstance(row.get("text"), str):
                raise SystemExit(f"{path} line {n}: expected {{repo, text}} strings")
            yield row


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="held-out papers, {repo, text} per line")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--per-repo", type=int, default=10, help="paragraphs per repository (fewer when it has fewer)")
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args(argv)
    if not args.src.exists():
        raise SystemExit(f"{args.src} not found: run model_creation/prepare_bodies.py first")
    rows = list(records(read_jsonl(args.src), args.per_repo, args.seed))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(args.out)
    repos = len({r["repo"] for r in rows})
    chars = sum(len(r["text"]) for r in rows)
    print(f"{len(rows)} paragraphs from {repos} repositories, {chars} characters -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
