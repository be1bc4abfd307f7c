"""GPT-2 architecture with Hugging Face-compatible parameter names.

Kept self-contained (no `transformers` import) so it runs on Debian's torch 1.13
as well as torch 2.x; the state dict loads unchanged into
`transformers.GPT2LMHeadModel` (Conv1D weights are stored as [in, out]).
"""
from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocab_size: int = 8192
    n_positions: int = 512
    n_embd: int = 512
    n_layer: int = 8
    n_head: int = 8
    dropout: float = 0.0
    layer_norm_epsilon: float = 1e-5
    bos_token_id: int = 0
    eos_token_id: int = 0

    def to_hf(self) -> dict:
        """config.json in the shape transformers / transformers.js read."""
        return {
            "architectures": ["GPT2LMHeadModel"],
            "model_type": "gpt2",
            "vocab_size": self.vocab_size,
            "n_positions": self.n_positions,
            "n_ctx": self.n_positions,
            "n_embd": self.n_embd,
            "n_layer": self.n_layer,
            "n_head": self.n_head,
            "n_inner": None,
            "activation_function": "gelu_new",
            "resid_pdrop": self.dropout,
            "embd_pdrop": self.dropout,
            "attn_pdrop": self.dropout,
            "layer_norm_epsilon": self.layer_norm_epsilon,
            "initializer_range": 0.02,
            "scale_attn_weights": True,
            "use_cache": True,
            "tie_word_embeddings": True,
            "bos_token_id": self.bos_token_id,
            "eos_token_id": self.eos_token_id,
        }

    @classmethod
    def from_hf(cls, d: dict) -> "GPTConfig":
        return cls(
            vocab_size=d["vocab_size"],
            n_positions=d.get("n_positions", d.get("n_ctx", 1024)),
            n_embd=d["n_embd"],
            n_layer=d["n_layer"],
            n_head=d["n_head"],
            layer_norm_epsilon=d.get("layer_norm_epsilon", 1e-5),
            bos_token_id=d.get("bos_token_id", 50256) if d.get("bos_token_id") is not None else 0,
            eos_token_id=d.get("eos_token_id", 50256) if d.get("eos_token_id") is not None else 0,
        )

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, path: Path) -> "GPTConfig":
        return cls(**json.loads(Path(path).read_text()))


def gelu_new(x: torch.Tensor) -> torch.Tensor:
    # GPT-2's tanh approximation ("gelu_new" in transformers); ONNX exports it as plain ops.
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Conv1D(nn.Module):
    """GPT-2's linear layer: weight stored [in, out] so HF checkpoints load as-is."""

    def __init__(self, n_in: int, n_out: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out))
        self.bias = nn.Parameter(torch.zeros(n_out))
        nn.init.normal_(self.weight, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.matmul(x, self.weight) + self.bias


class Attention(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.head_dim = cfg.n_embd // cfg.n_head
        self.c_attn = Conv1D(cfg.n_embd, 3 * cfg.n_embd)
        self.c_proj = Conv1D(cfg.n_embd, cfg.n_embd)
        self.dropout = cfg.dropout

    def forward(self, x, attn_bias, past=None):
        b, t, c = x.shape
        q, k, v = self.c_attn(x).split(c, dim=2)
        q = q.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        present = (k, v)
        if attn_bias is None and past is None and hasattr(F, "scaled_dot_product_attention"):
            # Training path (no cache, causal): fused kernel on torch 2.x.
            y = F.scaled_dot_product_attention(
                q, k, v, is_causal=True, dropout_p=self.dropout if self.training else 0.0
            )
        else:
            if attn_bias is None:
                attn_bias = causal_bias(t, k.shape[2], x.device, x.dtype)
            att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
            att = att + attn_bias
            att = torch.softmax(att.float(), dim=-1).to(q.dtype)
            if self.training and self.dropout > 0:
                att = F.dropout(att, self.dropout)
            y = torch.matmul(att, v)
        y = y.transpose(1, 2).reshape(b, t, c)
        y = self.c_proj(y)
        if self.training and self.dropout > 0:
            y = F.dropout(y, self.dropout)
        return y, present


class MLP(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.c_fc = Conv1D(cfg.n_embd, 4 * cfg.n_embd)
        self.c_proj = Conv1D(4 * cfg.n_embd, cfg.n_embd)
        self.dropout = cfg.dropout

    def forward(self, x):
        y = self.c_proj(gelu_new(self.c_fc(x)))
        if self.training and self.dropout > 0:
            y = F.dropout(y, self.dropout)
        return y


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)
        self.mlp = MLP(cfg)

    def forward(self, x, attn_bias, past=None):
        a, present = self.attn(self.ln_1(x), attn_bias, past)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, present


def causal_bias(t: int, total: int, device, dtype) -> torch.Tensor:
    """Additive mask [1,1,t,total]: query i (at absolute position total-t+i) sees keys <= it."""
    q_pos = torch.arange(total - t, total, device=device).unsqueeze(1)
    k_pos = torch.arange(total, device=device).unsqueeze(0)
    return torch.where(k_pos <= q_pos, 0.0, torch.finfo(torch.float32).min).to(dtype)[None, None]


class Transformer(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.n_embd, eps=cfg.layer_norm_epsilon)


class GPT(nn.Module):
    """GPT2LMHeadModel-compatible: parameters live under `transformer.*`, head tied to wte."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.transformer = Transformer(cfg)
        nn.init.normal_(self.transformer.wte.weight, std=0.02)
        nn.init.normal_(self.transformer.wpe.weight, std=0.01)
        # GPT-2's scaled init of residual projections keeps early activations small.
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def forward(self, input_ids, position_ids=None, attn_bias=None, past=None, last_only=False):
        t = input_ids.shape[1]
        past_len = 0 if past is None else past[0][0].shape[2]
        if position_ids is None:
            position_ids = torch.arange(past_len, past_len + t, device=input_ids.device).unsqueeze(0)
        tr = self.transformer
        x = tr.wte(input_ids) + tr.wpe(position_ids)
        if self.training and self.cfg.dropout > 0:
            x = F.dropout(x, self.cfg.dropout)
        presents = []
        for i, block in enumerate(tr.h):
            x, present = block(x, attn_bias, None if past is None else past[i])
            presents.append(present)
        x = tr.ln_f(x)
        if last_only:
            x = x[:, -1:, :]
        logits = torch.matmul(x, tr.wte.weight.t())
        return logits, presents

    def loss(self, input_ids, targets):
        logits, _ = self.forward(input_ids)
        return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1))

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
