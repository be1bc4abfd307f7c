#!/usr/bin/env python3
"""Encode texts with the Python BPE encoder: one JSON array of ids per input text.

Input: a .jsonl file ({"abstract"} or {"text"} per line) or a .json list of strings.
Used to prove that the JS tokenizer (@huggingface/tokenizers) gives identical ids.
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.bpe import ByteLevelBPE  # noqa: E402


def read_texts(path: Path, limit: int | None) -> list[str]:
    if path.suffix == ".json":
        texts = json.loads(path.read_text())
    else:
        texts = []
        for line in path.read_text().splitlines():
            if line.strip():
                rec = json.loads(line)
                texts.append(rec.get("abstract", rec.get("text")))
    return texts[:limit] if limit else texts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--texts", required=True)
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    tok = ByteLevelBPE.load_hf(args.tokenizer)
    out = sys.stdout
    for t in read_texts(Path(args.texts), args.limit):
        out.write(json.dumps(tok.encode(t)) + "\n")


if __name__ == "__main__":
    main()
