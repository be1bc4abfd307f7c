#!/usr/bin/env python3
"""Step 2: train the byte-level BPE tokenizer and write a Hugging Face tokenizer.json.

Also checks that the written tokenizer.json round-trips every validation
abstract. Parity with the JS tokenizer is checked by scripts/tokenizer-parity.ts:
in the test suite on a committed fixture, and by ship.sh on validation
abstracts (recorded in the model card).
"""
import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.bpe import ByteLevelBPE  # noqa: E402
from aacomplete.progress import Progress  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", default=str(Path(__file__).resolve().parent / "work"))
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--sample", type=int, default=40_000, help="training abstracts sampled for BPE")
    ap.add_argument("--out", default=None, help="default: WORK/tokenizer.json")
    args = ap.parse_args()
    work = Path(args.work)
    lines = (work / "data" / "train.jsonl").read_text().splitlines()
    random.Random(0).shuffle(lines)
    texts = [json.loads(l)["abstract"] for l in lines[: args.sample]]
    n_merges = args.vocab_size - 257
    bar = Progress(n_merges, "bpe merges", "merges")
    t0 = time.time()
    tok = ByteLevelBPE.train(texts, args.vocab_size, progress=lambda i, n: bar.update(100))
    bar.close()
    out = Path(args.out) if args.out else work / "tokenizer.json"
    tok.save_hf(out)
    valid = [json.loads(l)["abstract"] for l in (work / "data" / "valid.jsonl").read_text().splitlines()]
    n_tok = n_bytes = 0
    for t in valid:
        ids = tok.encode(t)
        assert tok.decode(ids) == t, "round-trip failed"
        n_tok += len(ids)
        n_bytes += len(t.encode("utf-8"))
    stats = {
        "vocab_size": tok.vocab_size,
        "trained_on_abstracts": len(texts),
        "train_seconds": round(time.time() - t0, 1),
        "valid_bytes_per_token": round(n_bytes / n_tok, 3),
        "valid_roundtrip_abstracts": len(valid),
    }
    out.with_suffix(".stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
