"""Writes a model directory in the transformers.js / Optimum layout:

  config.json  generation_config.json  tokenizer.json  tokenizer_config.json
  onnx/model.onnx  [onnx/decoder_model_merged.onnx]
"""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import onnx

from .export_onnx import export_decoder, make_merged
from .model import GPT, GPTConfig

EOT = "<|endoftext|>"


def eot_id_from_tokenizer(tokenizer_json: str | Path) -> int:
    """The id of <|endoftext|> (bos = eos = unk for GPT-2) as the tokenizer file defines it."""
    try:
        d = json.loads(Path(tokenizer_json).read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{tokenizer_json}: not a readable tokenizer.json ({e})") from e
    for t in d.get("added_tokens", []):
        if t.get("content") == EOT:
            return int(t["id"])
    vocab = d.get("model", {}).get("vocab", {})
    if EOT in vocab:
        return int(vocab[EOT])
    raise ValueError(f"{tokenizer_json}: no {EOT} token; GPT-2 models need it as bos/eos")


def tokenizer_config(cfg: GPTConfig) -> dict:
    return {
        "tokenizer_class": "GPT2Tokenizer",
        "bos_token": EOT,
        "eos_token": EOT,
        "unk_token": EOT,
        "add_bos_token": False,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": cfg.n_positions,
    }


def generation_config(cfg: GPTConfig) -> dict:
    return {"bos_token_id": cfg.bos_token_id, "eos_token_id": cfg.eos_token_id, "max_length": cfg.n_positions}


def write_model_dir(model: GPT, tokenizer_json: str | Path, out: str | Path, merged: bool = False) -> Path:
    """Export `model` and copy the tokenizer into `out`; returns the written ONNX path."""
    out = Path(out)
    eot = eot_id_from_tokenizer(tokenizer_json)
    cfg = model.cfg
    if eot >= cfg.vocab_size:
        raise ValueError(f"tokenizer's {EOT} id {eot} is outside the model's vocab_size {cfg.vocab_size}")
    # The tokenizer is authoritative for special ids: configs saved with defaults say 0.
    cfg = replace(cfg, bos_token_id=eot, eos_token_id=eot)
    (out / "onnx").mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(cfg.to_hf(), indent=2) + "\n")
    (out / "generation_config.json").write_text(json.dumps(generation_config(cfg), indent=2) + "\n")
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(cfg), indent=2) + "\n")
    if Path(tokenizer_json).resolve() != (out / "tokenizer.json").resolve():
        shutil.copyfile(tokenizer_json, out / "tokenizer.json")
    proto = export_decoder(model)
    if merged:
        path = out / "onnx" / "decoder_model_merged.onnx"
        onnx.save(make_merged(proto, cfg.n_layer), str(path))
    else:
        path = out / "onnx" / "model.onnx"
        onnx.save(proto, str(path))
    return path
