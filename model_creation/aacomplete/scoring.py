"""Bits per byte with the same protocol as the engine's `score()`.

Each text is scored after an <|endoftext|> token (so its first token is
predicted too), with sliding windows over texts longer than the context: every
token is scored once, with at least half a context of history where possible.
bpb = total NLL in bits / total UTF-8 bytes: independent of the tokenizer.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .model import GPT


@torch.no_grad()
def text_nll(model: GPT, ids: list[int], eos_id: int) -> float:
    """Total NLL in nats of `ids` given a leading <|endoftext|>."""
    seq = [eos_id] + list(ids)
    n_ctx = model.cfg.n_positions
    stride = n_ctx // 2
    device = next(model.parameters()).device  # CPU here, CUDA on the accelerator machine
    total = 0.0
    scored = 1  # position of the next target not yet scored
    start = 0
    while scored < len(seq):
        end = min(start + n_ctx, len(seq))
        window = torch.tensor([seq[start:end]], device=device)
        logits, _ = model(window)
        logp = F.log_softmax(logits[0].float(), dim=-1)
        first = scored - start  # index in window of the first target to score
        targets = window[0, first:]
        preds = logp[first - 1 : end - start - 1]
        total -= preds.gather(1, targets.unsqueeze(1)).sum().item()
        scored = end
        if end == len(seq):
            break
        start = end - (n_ctx - stride)
    return total


def bits_per_byte(model: GPT, tok, texts: list[str], progress=None) -> dict:
    model.eval()
    nll = 0.0
    n_bytes = 0
    n_tok = 0
    for t in texts:
        ids = tok.encode(t)
        nll += text_nll(model, ids, tok.eot_id)
        n_bytes += len(t.encode("utf-8"))
        n_tok += len(ids)
        if progress:
            progress(bpb=nll / math.log(2) / max(n_bytes, 1))
    return {"bits_per_byte": nll / math.log(2) / n_bytes, "tokens": n_tok, "bytes": n_bytes, "texts": len(texts)}


@torch.no_grad()
def sample(model: GPT, tok, prompt: str, max_new: int = 40, temperature: float = 0.0, top_p: float = 0.9,
           seed: int = 0) -> str:
    g = torch.Generator().manual_seed(seed)
    ids = tok.encode(prompt)
    out: list[int] = []
    logits, past = model(torch.tensor([ids]), last_only=True)
    for _ in range(max_new):
        last = logits[0, -1].float()
        if temperature <= 0:
            nxt = int(last.argmax())
        else:
            probs = torch.softmax(last / temperature, dim=-1)
            sp, si = torch.sort(probs, descending=True)
            keep = torch.cumsum(sp, 0) - sp < top_p
            sp = sp * keep
            nxt = int(si[torch.multinomial(sp / sp.sum(), 1, generator=g)])
        if nxt == tok.eot_id:
            break
        out.append(nxt)
        logits, past = model(torch.tensor([[nxt]]), past=past)
    return tok.decode(out)
