#!/usr/bin/env python3
"""Continued-training data: paper bodies (latex_papers.jsonl.gz) mixed with abstracts.

Writes under WORK (default model_creation/work/mix):
  bodies/{train,valid}.jsonl   {repo, text}: unwrapped LaTeX, split by repository (10% validation)
  data/train.bin               bodies (each repo capped at --cap chars) + a sample of training abstracts
  data/valid.bin               held-out bodies (the trainer keeps the checkpoint that is best here)
  data/valid_abs.bin           held-out abstracts (watched so the abstracts do not get worse)
  tokenizer.json               the shipped model's tokenizer (continued training keeps its vocabulary)
  stats.json                   what was kept, and the measurements behind the choices
"""
import argparse
import hashlib
import heapq
import json
import os
import random
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.data import DEFAULT_DATA_DIR, is_validation, read_corpus, title_key  # noqa: E402
from aacomplete.latex_bodies import cap_text, is_validation_repo, prose_breaks_per_kword, read_papers, unwrap, wrapped_fraction  # noqa: E402

from tokenize_corpus import _encode, _init  # noqa: E402  (the same worker: texts joined by <|endoftext|>)

HERE = Path(__file__).resolve().parent


def _rank(title: str, seed: int) -> int:
    """A paper's place in the sampling order: a salted hash of its title, unrelated to the corpus order
    and to the validation split's own hash."""
    return int(hashlib.sha1(f"{seed}:{title_key(title)}".encode("utf-8")).hexdigest()[:16], 16)


def sample_abstracts(records, train_chars: float, n_valid: int, seed: int) -> dict:
    """One pass over the corpus: the training abstracts first in hash order until they hold train_chars
    characters, and the first n_valid validation abstracts in hash order.

    The corpus comes file by file, one source after another, so taking abstracts as they come would
    favour the first sources; the hash order is a random order fixed in advance, so both samples spread
    evenly over every source without knowing the corpus size first. Heaps keep the best-ranked so far:
    only about train_chars of text is held at a time.
    """
    train: list[tuple[int, str]] = []  # (-rank, abstract): the worst-ranked kept one on top
    valid: list[tuple[int, str]] = []
    chars = seen = 0
    for rec in records:
        item = (-_rank(rec["title"], seed), rec["abstract"])
        if is_validation(rec["title"]):
            heapq.heappush(valid, item)
            if len(valid) > n_valid:
                heapq.heappop(valid)
            continue
        seen += 1
        heapq.heappush(train, item)
        chars += len(rec["abstract"])
        # drop the worst-ranked while the others still reach the budget
        while train and chars - len(train[0][1]) >= train_chars:
            chars -= len(heapq.heappop(train)[1])
    in_order = lambda heap: [text for _, text in sorted(heap, reverse=True)]  # noqa: E731
    return {"train": in_order(train), "valid": in_order(valid), "train_chars": chars, "train_seen": seen}


def encode(texts, tokenizer, procs, dst: Path) -> dict:
    chunks = [texts[i : i + 50] for i in range(0, len(texts), 50)]
    with Pool(procs, initializer=_init, initargs=(str(tokenizer),)) as pool:
        ids = np.concatenate([np.zeros(0, np.uint16), *pool.imap(_encode, chunks)])
    tmp = dst.with_suffix(".tmp")
    ids.tofile(tmp)
    os.replace(tmp, dst)
    stats = {"tokens": int(len(ids)), "bytes": sum(len(t.encode("utf-8")) for t in texts), "texts": len(texts)}
    dst.with_suffix(".stats.json").write_text(json.dumps(stats))
    return stats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    ap.add_argument("--work", default=str(HERE / "work" / "mix"))
    ap.add_argument("--tokenizer", default=str(HERE / "checkpoints" / "abstract-gpt" / "tokenizer.json"))
    ap.add_argument("--cap", type=int, default=150_000, help="max characters of one repository in training")
    ap.add_argument("--abstract-share", type=float, default=0.4,
                    help="share of abstract characters in the training mix (the shipped model: 0.4)")
    ap.add_argument("--valid-abstracts", type=int, default=400)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    work = Path(args.work)
    (work / "bodies").mkdir(parents=True, exist_ok=True)
    (work / "data").mkdir(parents=True, exist_ok=True)
    (work / "tokenizer.json").write_bytes(Path(args.tokenizer).read_bytes())

    papers = list(read_papers(Path(args.data_dir) / "latex_papers.jsonl.gz"))
    sides = {"train": [], "valid": []}
    for p in papers:
        sides["valid" if is_validation_repo(p["repo"]) else "train"].append(p)
    stats = {"repos": {k: len(v) for k, v in sides.items()}, "cap": args.cap,
             "wrapped_paragraph_share_raw": round(wrapped_fraction(p["text"] for p in papers), 4)}
    texts = {}
    for side, ps in sides.items():
        with open(work / "bodies" / f"{side}.jsonl", "w") as f:
            for p in ps:
                t = unwrap(p["text"])
                f.write(json.dumps({"repo": p["repo"], "text": t}, ensure_ascii=False) + "\n")
                texts.setdefault(side, []).append(t)
    stats["wrapped_paragraph_share_unwrapped"] = round(wrapped_fraction(texts["train"] + texts["valid"]), 4)
    stats["prose_breaks_per_1000_words"] = {"raw": round(prose_breaks_per_kword(p["text"] for p in papers), 1),
                                            "unwrapped": round(prose_breaks_per_kword(texts["train"] + texts["valid"]), 1)}
    body_train = [cap_text(t, args.cap) for t in texts["train"]]
    stats["body_chars"] = {"train_uncapped": sum(map(len, texts["train"])), "train_capped": sum(map(len, body_train)),
                           "valid": sum(map(len, texts["valid"]))}

    want = stats["body_chars"]["train_capped"] * args.abstract_share / (1 - args.abstract_share)
    sample = sample_abstracts(read_corpus(args.data_dir), want, args.valid_abstracts, args.seed)
    abs_train, abs_valid = sample["train"], sample["valid"]
    mix = body_train + abs_train
    random.Random(args.seed).shuffle(mix)
    stats["abstracts"] = {"train": len(abs_train), "train_chars": sample["train_chars"],
                          "train_seen": sample["train_seen"], "valid": len(abs_valid)}
    stats["train"] = encode(mix, args.tokenizer, args.procs, work / "data" / "train.bin")
    stats["valid"] = encode(texts["valid"], args.tokenizer, args.procs, work / "data" / "valid.bin")
    stats["valid_abs"] = encode(abs_valid, args.tokenizer, args.procs, work / "data" / "valid_abs.bin")
    (work / "stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
