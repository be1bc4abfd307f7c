#!/usr/bin/env python3
"""Step 1: read the corpus, normalise whitespace, split train/validation by title hash.

Writes WORK/data/train.jsonl and WORK/data/valid.jsonl ({title, abstract, source}).
"""
import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.data import DEFAULT_DATA_DIR, is_validation, read_corpus  # noqa: E402
from aacomplete.progress import Progress  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    ap.add_argument("--work", default=str(Path(__file__).resolve().parent / "work"))
    ap.add_argument("--valid-percent", type=float, default=1.0)
    args = ap.parse_args()
    out = Path(args.work) / "data"
    out.mkdir(parents=True, exist_ok=True)
    n = {"train": 0, "valid": 0}
    size = {"train": 0, "valid": 0}
    bar = Progress(230_000, "prepare", "abstracts")
    with open(out / "train.jsonl", "w") as tr, open(out / "valid.jsonl", "w") as va:
        for rec in read_corpus(args.data_dir):
            side = "valid" if is_validation(rec["title"], args.valid_percent) else "train"
            (va if side == "valid" else tr).write(json.dumps(rec, ensure_ascii=False) + "\n")
            n[side] += 1
            size[side] += len(rec["abstract"].encode("utf-8"))
            bar.update(1)
    bar.close()
    stats = {"abstracts": n, "bytes": size}
    (out / "stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
