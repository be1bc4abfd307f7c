"""Shared tiny-model fixtures; everything is built in tmp dirs, nothing needs the corpus."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # model_creation/: aacomplete package and the CLIs

from aacomplete.bpe import ByteLevelBPE  # noqa: E402
from aacomplete.export_onnx import export_decoder  # noqa: E402
from aacomplete.model import GPT, GPTConfig  # noqa: E402

torch.set_num_threads(2)


@pytest.fixture(scope="session")
def tokenizer_json(tmp_path_factory) -> Path:
    texts = (HERE / "fixtures" / "texts.txt").read_text(encoding="utf-8").splitlines()
    tok = ByteLevelBPE.train(texts, 300)
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save_hf(path)
    return path


@pytest.fixture(scope="session")
def tiny_cfg() -> GPTConfig:
    return GPTConfig(vocab_size=300, n_positions=64, n_embd=32, n_layer=2, n_head=4, eos_token_id=299, bos_token_id=299)


@pytest.fixture(scope="session")
def tiny_model(tiny_cfg) -> GPT:
    torch.manual_seed(0)
    model = GPT(tiny_cfg).eval()
    with torch.no_grad():  # non-zero biases, so a dropped or mis-mapped bias shows in the logits
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.normal_(0, 0.1)
    return model


@pytest.fixture(scope="session")
def tiny_onnx(tiny_model):
    return export_decoder(tiny_model)
