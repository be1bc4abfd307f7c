#!/usr/bin/env python3
"""Step 2b: encode the split corpus into uint16 token streams (abstracts joined by <|endoftext|>).

WORK/data/{train,valid}.bin; resumable per shard, parallel over processes.
"""
import argparse
import json
import os
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.progress import Progress  # noqa: E402

_tok = None


class _HFEncoder:
    """Fallback where the `regex` module is missing but Hugging Face `tokenizers` is
    installed: it encodes our tokenizer.json to the same ids (the parity test proves
    the JS port of it does; the Rust original is the reference)."""

    def __init__(self, path):
        from tokenizers import Tokenizer

        self.t = Tokenizer.from_file(str(path))
        self.eot_id = self.t.token_to_id("<|endoftext|>")

    def encode(self, text):
        return self.t.encode(text, add_special_tokens=False).ids


def _init(path):
    global _tok
    try:
        from aacomplete.bpe import ByteLevelBPE

        _tok = ByteLevelBPE.load_hf(path)
    except ImportError:
        _tok = _HFEncoder(path)


def _encode(texts):
    out = []
    for t in texts:
        out.extend(_tok.encode(t))
        out.append(_tok.eot_id)
    return np.asarray(out, dtype=np.uint16)


def encode_file(src: Path, dst: Path, tokenizer: Path, procs: int, limit_bytes: int | None) -> int:
    texts = []
    total = 0
    kept_bytes = 0
    for line in src.read_text().splitlines():
        a = json.loads(line)["abstract"]
        total += len(a.encode("utf-8"))
        if limit_bytes and total > limit_bytes:
            break
        texts.append(a)
        kept_bytes += len(a.encode("utf-8"))
    chunks = [texts[i : i + 2000] for i in range(0, len(texts), 2000)]
    bar = Progress(len(texts), f"tokenize {src.name}", "abstracts")
    parts = []
    with Pool(procs, initializer=_init, initargs=(str(tokenizer),)) as pool:
        for arr, chunk in zip(pool.imap(_encode, chunks), chunks):
            parts.append(arr)
            bar.update(len(chunk), tokens=sum(len(p) for p in parts))
    bar.close()
    ids = np.concatenate(parts)
    tmp = dst.with_suffix(".tmp")
    ids.tofile(tmp)
    os.replace(tmp, dst)
    # tokens include one <|endoftext|> per abstract: the training monitor's bpb uses this ratio
    dst.with_suffix(".stats.json").write_text(json.dumps({"tokens": int(len(ids)), "bytes": kept_bytes, "abstracts": len(texts)}))
    return len(ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", default=str(Path(__file__).resolve().parent / "work"))
    ap.add_argument("--tokenizer", default=None)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--limit-mb", type=float, default=None, help="encode only the first N MB of training text")
    args = ap.parse_args()
    work = Path(args.work)
    tok = Path(args.tokenizer) if args.tokenizer else work / "tokenizer.json"
    stats = {}
    for split in ("valid", "train"):
        dst = work / "data" / f"{split}.bin"
        lim = int(args.limit_mb * 1e6) if (args.limit_mb and split == "train") else None
        stats[split] = encode_file(work / "data" / f"{split}.jsonl", dst, tok, args.procs, lim)
    print(json.dumps({"tokens": stats}))


if __name__ == "__main__":
    main()
