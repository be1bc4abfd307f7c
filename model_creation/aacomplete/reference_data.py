"""Torch reference outputs that the engine's ONNX integration tests compare against.

Greedy decoding here is the contract the engine's greedy generate must match:
recompute the full sequence each step (no cache, fp32), take the argmax of the
last position, stop before <|endoftext|> (not included) or after N tokens.
"""
from __future__ import annotations

import torch

from .model import GPT


def _round(xs) -> list[float]:
    # 7 significant digits: far below the 1e-3 / 1e-4 tolerances, half the JSON size.
    return [float(f"{x:.7g}") for x in xs]


@torch.no_grad()
def logits_for(model: GPT, ids: list[int]) -> torch.Tensor:
    if not ids:
        raise ValueError("prompt encodes to zero tokens")
    if len(ids) > model.cfg.n_positions:
        raise ValueError(f"prompt of {len(ids)} tokens exceeds n_positions {model.cfg.n_positions}")
    logits, _ = model(torch.tensor([ids]))
    return logits[0].float()


@torch.no_grad()
def greedy(model: GPT, ids: list[int], max_new: int, eos_id: int) -> dict:
    """-> {"ids", "stop_reason", "min_margin"}; min_margin is the smallest top-1 minus
    top-2 logit gap over the steps, i.e. how much numeric noise the argmax tolerates."""
    seq = list(ids)
    out: list[int] = []
    margin = float("inf")
    stop = "max_tokens"
    for _ in range(max_new):
        if len(seq) >= model.cfg.n_positions:
            stop = "context_full"
            break
        last = logits_for(model, seq)[-1]
        top2 = torch.topk(last, 2)
        margin = min(margin, float(top2.values[0] - top2.values[1]))
        nxt = int(top2.indices[0])
        if nxt == eos_id:
            stop = "eos"
            break
        out.append(nxt)
        seq.append(nxt)
    return {"ids": out, "stop_reason": stop, "min_margin": margin}


def prompt_reference(model: GPT, tok, text: str, max_new: int, eos_id: int,
                     full_logits: bool = False, last_logits: bool = True, top_k: int = 20) -> dict:
    ids = tok.encode(text)
    logits = logits_for(model, ids)
    last = logits[-1]
    top = torch.topk(last, top_k)
    entry: dict = {"text": text, "input_ids": ids}
    if full_logits:
        entry["logits"] = [_round(row.tolist()) for row in logits]
    if last_logits:
        entry["last_logits"] = _round(last.tolist())
    entry["top_k"] = {"ids": top.indices.tolist(), "logits": _round(top.values.tolist())}
    g = greedy(model, ids, max_new, eos_id)
    entry["greedy"] = {**g, "text": tok.decode(g["ids"]), "min_margin": round(g["min_margin"], 6)}
    return entry
