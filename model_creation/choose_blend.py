#!/usr/bin/env python3
"""Choose the continued-training checkpoint to ship: among the evaluations that runs saved
(`train.py --save-every-eval`) and their blends with the starting weights, the one with the lowest
bits per byte on held-out body paragraphs whose held-out abstracts worsened by at most --slack.

  python3 model_creation/choose_blend.py --old checkpoints/abstract-gpt --runs RUN_A --runs RUN_B \
      --work work/mix --texts work/eval/bodies_valid.jsonl --texts work/eval/abstracts_valid.jsonl \
      --bodies bodies_valid --abstracts abstracts_valid --out DIR

Why in two stages: scoring whole texts is the measure the model card reports, but it is slower than
the trainer's fixed windows, so the windows (saved in each step's history) pick each run's --top
candidates first. Writes DIR (the chosen weights) and DIR/choice.json (every row measured).
"""
import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.bpe import ByteLevelBPE  # noqa: E402
from aacomplete.checkpoint import load_checkpoint  # noqa: E402
from aacomplete.model import GPT  # noqa: E402
from blend import blend, load_sets, load_texts, measure, pick_device, save_blend  # noqa: E402


class _Memo:
    """The same texts are scored for every candidate: encode each once."""

    def __init__(self, tok):
        self.tok, self.eot_id, self.ids = tok, tok.eot_id, {}

    def encode(self, text: str) -> list[int]:
        if text not in self.ids:
            self.ids[text] = self.tok.encode(text)
        return self.ids[text]


def candidates(run: Path, top: int, abs_bar: float | None) -> list[tuple[Path, dict]]:
    """A run's saved steps, best on held-out bodies first, keeping those whose abstracts (trainer windows)
    stayed under abs_bar (blending gives some back, so the bar here is looser than the final one)."""
    rows = []
    for step in sorted((run / "steps").glob("*")):
        last = json.loads((step / "checkpoint.json").read_text())["meta"]["history"][-1]
        if abs_bar is None or last.get("valid_abs_bpb", 0) <= abs_bar:
            rows.append((step, last))
    rows.sort(key=lambda r: r[1]["valid_bpb"])
    return rows[:top]


def choose(rows: list[dict], bodies: str, abstracts: str, base: dict, slack: float) -> dict:
    """The best on bodies among rows within the abstracts bar; where none is, the one that hurt abstracts
    least (marked, so the shipper sees it before the model card does)."""
    ok = [r for r in rows if r[f"{abstracts}_bpb"] <= base[f"{abstracts}_bpb"] + slack]
    if ok:
        return {**min(ok, key=lambda r: r[f"{bodies}_bpb"]), "within_slack": True}
    return {**min(rows, key=lambda r: r[f"{abstracts}_bpb"]), "within_slack": False}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--old", required=True, help="the checkpoint training started from")
    ap.add_argument("--runs", action="append", required=True, help="a train.py --out dir with steps/")
    ap.add_argument("--work", required=True)
    ap.add_argument("--texts", action="append", required=True)
    ap.add_argument("--bodies", required=True, help="stem of the body-paragraph texts file")
    ap.add_argument("--abstracts", required=True, help="stem of the abstracts texts file")
    ap.add_argument("--alphas", default="1,0.85,0.7,0.55")
    ap.add_argument("--slack", type=float, default=0.012, help="how much worse abstracts may get (bits per byte)")
    ap.add_argument("--window-slack", type=float, default=0.05, help="looser bar on the trainer's abstract windows")
    ap.add_argument("--top", type=int, default=2)
    ap.add_argument("--windows", type=int, default=256, help="trainer windows per token stream")
    ap.add_argument("--ctx", type=int, default=256, help="trainer window length (as the runs evaluated)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()
    device = pick_device(args.device)
    cfg, old = load_checkpoint(args.old)
    cfg.dropout = 0.0
    model = GPT(cfg).to(device)
    sets = load_sets(args.work, ["valid", "valid_abs"])
    texts = load_texts(args.texts)
    tok = _Memo(ByteLevelBPE.load_hf(Path(args.work) / "tokenizer.json"))
    model.load_state_dict(old)
    base = {"step": "start", "alpha": 0.0, **measure(model, sets, texts, tok, args.ctx, args.windows, device)}
    print(json.dumps(base), flush=True)
    rows = [base]
    for run in map(Path, args.runs):
        for step, _ in candidates(run, args.top, base["valid_abs_bpb"] + args.window_slack):
            _, new = load_checkpoint(step)
            for a in map(float, args.alphas.split(",")):
                model.load_state_dict(blend(old, new, a))
                row = {"step": str(step), "alpha": a, **measure(model, sets, texts, tok, args.ctx, args.windows, device)}
                rows.append(row)
                print(json.dumps(row), flush=True)
    if len(rows) == 1:
        raise SystemExit("no saved steps to choose from")
    best = choose(rows[1:], args.bodies, args.abstracts, base, args.slack)
    out = Path(args.out)
    _, new = load_checkpoint(best["step"])
    model.load_state_dict(blend(old, new, best["alpha"]))
    save_blend(out, cfg, model, best["step"], args.old, best, beside=(Path(best["step"]).parent.parent, args.work))
    (out / "choice.json").write_text(json.dumps({"base": base, "chosen": best, "rows": rows}, indent=2))
    print(json.dumps({"chosen": best}))


if __name__ == "__main__":
    main()
