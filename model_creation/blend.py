#!/usr/bin/env python3
"""Blend two checkpoints of one architecture: weights = alpha * NEW + (1 - alpha) * OLD.

Why: continued training on paper bodies moves the model away from abstracts. Interpolating the
fine-tuned weights with the ones it started from (as in WiSE-FT) keeps most of the gain on the new
text while giving back what was lost on the old; the trade-off is measured here, not assumed.

  python3 model_creation/blend.py --old checkpoints/abstract-gpt --new work/mix/checkpoint \
      --work work/mix --alphas 1,0.8,0.6 [--valid valid --valid valid_abs] [--save 0.8 --out DIR]

Prints bits per byte on each WORK/data/NAME.bin for each alpha (the trainer's fixed windows), and
with --save writes that blend as a checkpoint (the NEW checkpoint's tokenizer and summary beside it).
"""
import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from aacomplete.bpe import ByteLevelBPE  # noqa: E402
from aacomplete.model import GPT  # noqa: E402
from aacomplete.scoring import bits_per_byte  # noqa: E402
from train import evaluate  # noqa: E402


def blend(old: dict, new: dict, alpha: float) -> dict:
    if old.keys() != new.keys():
        raise SystemExit("the checkpoints have different parameters: not the same architecture")
    return {k: (alpha * new[k].float() + (1 - alpha) * old[k].float()) for k in new}


def load_sets(work, names) -> dict:
    """The trainer's token streams, each with its tokens-per-byte (for bits per byte)."""
    data = Path(work) / "data"
    sets = {}
    for name in names:
        st = json.loads((data / f"{name}.stats.json").read_text())
        sets[name] = (np.memmap(data / f"{name}.bin", dtype=np.uint16, mode="r"), st["tokens"] / st["bytes"])
    return sets


def load_texts(files) -> dict:
    return {Path(f).stem: [r.get("abstract") or r["text"] for r in map(json.loads, Path(f).read_text().splitlines()) if r]
            for f in files}


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def measure(model, sets: dict, texts: dict, tok, ctx: int, windows: int, device: torch.device) -> dict:
    """Bits per byte on each token stream (fixed windows, bf16 as the trainer measures) and on each text
    set scored whole (fp32, as `npm run eval` scores)."""
    autocast = lambda: torch.autocast(device.type, dtype=torch.bfloat16)  # noqa: E731
    row = {}
    for name, (arr, tpb) in sets.items():
        row[f"{name}_bpb"] = round(evaluate(model, arr, ctx, device, autocast, n_windows=windows) / math.log(2) * tpb, 4)
    for name, ts in texts.items():
        row[f"{name}_bpb"] = round(bits_per_byte(model, tok, ts)["bits_per_byte"], 4)
    return row


def save_blend(out, cfg, model, new_dir, old_dir, row: dict, beside=()) -> None:
    """Writes the blend loaded in `model` as a checkpoint: NEW's meta with the blend (`row`, alpha included) recorded,
    and the tokenizer and training summary from the first of NEW and `beside` that has each (a saved step of a run
    has neither; its run's folder has both)."""
    meta = json.loads((Path(new_dir) / "checkpoint.json").read_text()).get("meta", {})
    meta["blend"] = {"old": str(old_dir), "new": str(new_dir), **row}
    save_checkpoint(out, cfg, model, meta)
    for f in ("tokenizer.json", "train_summary.json"):
        src = next((Path(d) / f for d in (new_dir, *beside) if (Path(d) / f).exists()), None)
        if src is not None:
            (Path(out) / f).write_bytes(src.read_bytes())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--work", required=True, help="holds data/NAME.bin + NAME.stats.json")
    ap.add_argument("--valid", action="append", default=None)
    ap.add_argument("--alphas", default="1,0.8,0.6")
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--windows", type=int, default=64)
    ap.add_argument("--texts", action="append", default=[],
                    help="JSONL of abstracts or body paragraphs ({abstract} or {text}) scored whole, as `npm run eval` does")
    ap.add_argument("--save", type=float, default=None, help="alpha to write as a checkpoint")
    ap.add_argument("--out", default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto", help="auto: CUDA where there is one")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg, old = load_checkpoint(args.old)
    _, new = load_checkpoint(args.new)
    cfg.dropout = 0.0
    model = GPT(cfg)
    sets = load_sets(args.work, args.valid or ["valid", "valid_abs"])
    texts = load_texts(args.texts)
    tok = ByteLevelBPE.load_hf(Path(args.new) / "tokenizer.json") if texts else None
    device = pick_device(args.device)
    model.to(device)
    alphas = [args.save] if args.save is not None else [float(a) for a in args.alphas.split(",")]
    for a in alphas:
        model.load_state_dict(blend(old, new, a))
        row = {"alpha": a, **measure(model, sets, texts, tok, args.ctx, args.windows, device)}
        print(json.dumps(row), flush=True)
    if args.save is not None:
        out = Path(args.out or f"{args.new}-blend{args.save}")
        save_blend(out, cfg, model, args.new, args.old, row)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
