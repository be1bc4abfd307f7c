"""A tiny config trains a few steps through the real train.py and its loss falls."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from aacomplete.bpe import ByteLevelBPE
from aacomplete.checkpoint import load_checkpoint

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "We propose a method to learn graph neural networks with linear memory.",
    "In this paper, we study the problem of learning from noisy labels.",
    "Large language models can be fine-tuned with few parameters.",
] * 30


def _work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    tok = ByteLevelBPE.train(TEXTS, 300)
    tok.save_hf(work / "tokenizer.json")
    (work / "tokenizer.stats.json").write_text(json.dumps({"vocab_size": tok.vocab_size}))
    ids = []
    for t in TEXTS:
        ids += tok.encode(t) + [tok.eot_id]
    arr = np.asarray(ids, dtype=np.uint16)
    arr.tofile(work / "data" / "train.bin")
    arr[:400].tofile(work / "data" / "valid.bin")
    (work / "data" / "valid.stats.json").write_text(json.dumps({"tokens": 400, "bytes": 1600}))
    return work


def test_tiny_training_lowers_loss_and_checkpoint_reloads(tmp_path):
    work = _work(tmp_path)
    out = tmp_path / "ckpt"
    r = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), "--work", str(work), "--out", str(out), "--n-layer", "1",
         "--n-embd", "32", "--n-head", "2", "--n-ctx", "32", "--batch-size", "8", "--max-tokens", "16384",
         "--eval-every", "16", "--eval-windows", "8", "--warmup", "5", "--lr", "3e-3", "--no-bf16"],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    summary = json.loads((out / "train_summary.json").read_text())
    hist = summary["history"]
    assert len(hist) >= 3
    assert hist[-1]["valid_loss"] < hist[0]["valid_loss"] - 0.5
    cfg, state = load_checkpoint(out)
    assert cfg.n_layer == 1 and cfg.vocab_size == 300
    assert "transformer.wte.weight" in state
    assert (out / "tokenizer.json").exists()


def test_extra_held_out_sets_every_eval_checkpoint_and_the_starting_point(tmp_path):
    """--extra-valid scores another set beside valid.bin, --save-every-eval keeps each evaluation's weights,
    and a resumed run first scores the weights it starts from."""
    work = _work(tmp_path)
    # the same tokens as valid.bin, counted as half the bytes: the same loss at twice the bits per byte
    (work / "data" / "valid_abs.bin").write_bytes((work / "data" / "valid.bin").read_bytes())
    (work / "data" / "valid_abs.stats.json").write_text(json.dumps({"tokens": 400, "bytes": 800}))
    tiny = ["--n-layer", "1", "--n-embd", "32", "--n-head", "2", "--n-ctx", "32", "--batch-size", "8",
            "--eval-every", "8", "--eval-windows", "8", "--warmup", "2", "--no-bf16", "--extra-valid", "valid_abs"]

    def train(out: Path, *more: str) -> subprocess.CompletedProcess:
        r = subprocess.run([sys.executable, str(ROOT / "train.py"), "--work", str(work), "--out", str(out), *tiny, *more],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-2000:]
        return r

    first = tmp_path / "first"
    train(first, "--max-tokens", "4096", "--save-every-eval")
    hist = json.loads((first / "train_summary.json").read_text())["history"]
    assert [h["step"] for h in hist] == [8, 16]
    for h in hist:
        assert abs(h["valid_abs_bpb"] - 2 * h["valid_bpb"]) < 1e-3
    assert sorted(p.name for p in (first / "steps").iterdir()) == ["000008", "000016"]

    r = train(tmp_path / "second", "--max-tokens", "2048", "--resume", str(first))
    start = json.loads(next(line for line in r.stderr.splitlines() if line.startswith('{"step": 0')))
    assert set(start) == {"step", "valid_loss", "valid_bpb", "valid_abs_bpb"}
    best = min(h["valid_loss"] for h in hist)
    assert abs(start["valid_loss"] - best) < 1e-3  # the resumed weights are the first run's best
