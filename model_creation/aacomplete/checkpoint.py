"""Weights-only checkpoints: {config, model} in bf16, split into shards.

Shards keep every file small enough to move between machines (the accelerator
machine returns files of at most 16 MB) and to sit in git as the resume point.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

import torch

from .model import GPTConfig

# under the 16 MB per-file limit of files returned from the accelerator machine
SHARD_BYTES = 15_500_000


def save_checkpoint(out: Path, cfg: GPTConfig, model: torch.nn.Module, meta: dict | None = None) -> None:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu", torch.bfloat16).clone() for k, v in model.state_dict().items()}
    shards: list[dict] = [{}]
    size = 0
    for k, v in state.items():
        nbytes = v.numel() * 2
        if size + nbytes > SHARD_BYTES and shards[-1]:
            shards.append({})
            size = 0
        shards[-1][k] = v
        size += nbytes
    for old in out.glob("weights-*.pt"):
        old.unlink()
    names = []
    for i, sh in enumerate(shards):
        name = f"weights-{i:02d}.pt"
        tmp = out / (name + ".tmp")
        torch.save(sh, tmp)
        os.replace(tmp, out / name)
        names.append(name)
    (out / "checkpoint.json").write_text(json.dumps({"config": asdict(cfg), "shards": names, "meta": meta or {}}, indent=2))


def load_checkpoint(path: Path) -> tuple[GPTConfig, dict]:
    path = Path(path)
    index = json.loads((path / "checkpoint.json").read_text())
    cfg = GPTConfig(**index["config"])
    state: dict = {}
    for name in index["shards"]:
        state.update(torch.load(path / name, map_location="cpu"))
    return cfg, {k: v.float() for k, v in state.items()}
