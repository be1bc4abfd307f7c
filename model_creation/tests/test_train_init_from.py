"""train.py --init-from fine-tunes a Hugging Face GPT-2 checkpoint with that checkpoint's own tokenizer."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from aacomplete.bpe import ByteLevelBPE
from aacomplete.checkpoint import load_checkpoint
from aacomplete.hf_checkpoint import write_safetensors
from aacomplete.model import GPT, GPTConfig

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ["We propose a method to learn sparse graph networks.", "In this paper, we study noisy labels."] * 40


def test_init_from_hf_checkpoint(tmp_path):
    # a tiny "hub" checkpoint: config.json + model.safetensors + its own tokenizer.json
    hf = tmp_path / "hf"
    hf.mkdir()
    tok = ByteLevelBPE.train(TEXTS, 280)
    tok.save_hf(hf / "tokenizer.json")
    cfg = GPTConfig(vocab_size=280, n_positions=32, n_embd=32, n_layer=1, n_head=2, eos_token_id=279, bos_token_id=279)
    torch.manual_seed(3)
    src = GPT(cfg)
    write_safetensors(hf / "model.safetensors", {k: v.detach().numpy() for k, v in src.state_dict().items()})
    (hf / "config.json").write_text(json.dumps(cfg.to_hf()))

    # data tokenized with that checkpoint's tokenizer, in a work dir whose own tokenizer differs
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    ByteLevelBPE.train(TEXTS[::-1] + ["other text entirely"], 300).save_hf(work / "tokenizer.json")
    ids = []
    for t in TEXTS:
        ids += tok.encode(t) + [tok.eot_id]
    arr = np.asarray(ids, dtype=np.uint16)
    arr.tofile(work / "data" / "train.bin")
    arr[:200].tofile(work / "data" / "valid.bin")

    out = tmp_path / "ckpt"
    r = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), "--work", str(work), "--out", str(out), "--init-from", str(hf),
         "--batch-size", "4", "--max-tokens", "1024", "--eval-every", "4", "--eval-windows", "4", "--lr", "1e-7",
         "--warmup", "1", "--no-bf16"],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "init from" in r.stderr
    got_cfg, state = load_checkpoint(out)
    assert (got_cfg.n_layer, got_cfg.n_embd, got_cfg.vocab_size) == (1, 32, 280)
    # started from the checkpoint's weights (a tiny LR barely moves them; a fresh init would not match)
    w0 = src.state_dict()["transformer.h.0.mlp.c_fc.weight"]
    assert torch.allclose(state["transformer.h.0.mlp.c_fc.weight"], w0, atol=2e-2)
    # and ships the checkpoint's own tokenizer, not the work dir's
    assert (out / "tokenizer.json").read_text() == (hf / "tokenizer.json").read_text()
