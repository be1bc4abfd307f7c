#!/usr/bin/env python3
"""Step 3: train the GPT-2-style model on the tokenized corpus.

Runs on CPU (torch 1.13, bf16 autocast where the CPU has it) or CUDA (torch 2.x).
The schedule is set by a token budget or a wall-clock budget (whichever ends
first); the learning rate follows warmup + cosine over that budget, so a run of
any length ends annealed. Checkpoints hold weights only ({config, model}), in
bf16, sharded so each file stays small; `--resume` continues from one (new
optimizer state, short re-warmup), `--init-from` fine-tunes a Hugging Face GPT-2
checkpoint (e.g. DistilGPT2) with that checkpoint's own tokenizer.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.checkpoint import load_checkpoint, save_checkpoint  # noqa: E402
from aacomplete.model import GPT, GPTConfig  # noqa: E402
from aacomplete.progress import Progress  # noqa: E402


def get_batch(data: np.ndarray, batch: int, ctx: int, rng: np.random.Generator, device):
    ix = rng.integers(0, len(data) - ctx - 1, size=batch)
    x = np.stack([data[i : i + ctx] for i in ix]).astype(np.int64)
    y = np.stack([data[i + 1 : i + 1 + ctx] for i in ix]).astype(np.int64)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    if device.type == "cuda":
        return x.pin_memory().to(device, non_blocking=True), y.pin_memory().to(device, non_blocking=True)
    return x, y


@torch.no_grad()
def evaluate(model, data, ctx, device, autocast, n_windows=64, batch=16) -> float:
    """Mean loss (nats/token) over fixed, evenly spaced validation windows."""
    model.eval()
    starts = np.linspace(0, len(data) - ctx - 1, n_windows).astype(np.int64)
    tot, n = 0.0, 0
    for i in range(0, n_windows, batch):
        s = starts[i : i + batch]
        x = torch.from_numpy(np.stack([data[j : j + ctx] for j in s]).astype(np.int64)).to(device)
        y = torch.from_numpy(np.stack([data[j + 1 : j + 1 + ctx] for j in s]).astype(np.int64)).to(device)
        with autocast():
            loss = model.loss(x, y)
        tot += loss.item() * len(s)
        n += len(s)
    model.train()
    return tot / n


def lr_at(frac: float, step: int, peak: float, warmup: int, floor: float) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return floor * peak + (1 - floor) * peak * 0.5 * (1 + math.cos(math.pi * min(1.0, frac)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", default=str(Path(__file__).resolve().parent / "work"))
    ap.add_argument("--out", default=None, help="checkpoint dir (default WORK/checkpoint)")
    ap.add_argument("--n-layer", type=int, default=7)
    ap.add_argument("--n-embd", type=int, default=512)
    ap.add_argument("--n-head", type=int, default=8)
    ap.add_argument("--n-ctx", type=int, default=512)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--grad-accum", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1.5e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--max-tokens", type=float, default=float("inf"), help="stop after this many training tokens")
    ap.add_argument("--time-budget", type=float, default=float("inf"), help="stop after this many seconds of training")
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--eval-windows", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--no-bf16", action="store_true")
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--resume", default=None, help="checkpoint dir to continue from (weights only)")
    ap.add_argument("--init-from", default=None, help="Hugging Face GPT-2 checkpoint dir to fine-tune")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--save-every-eval", action="store_true",
                    help="also keep each evaluation's weights in OUT/steps/NNNNNN (choose afterwards, e.g. the best on "
                         "valid.bin among those whose --extra-valid score stayed within a bar)")
    ap.add_argument("--extra-valid", action="append", default=[],
                    help="NAME of WORK/data/NAME.bin to report beside valid.bin at each eval (e.g. held-out abstracts while "
                         "training on paper bodies); the best checkpoint is still chosen on valid.bin")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if (args.device == "auto" and torch.cuda.is_available()) else ("cpu" if args.device == "auto" else args.device))
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    use_bf16 = not args.no_bf16
    work = Path(args.work)
    out = Path(args.out) if args.out else work / "checkpoint"

    tokenizer_src = work / "tokenizer.json"
    if args.init_from:
        from aacomplete.hf_checkpoint import load_hf_gpt2

        cfg, state, tok_path = load_hf_gpt2(args.init_from)
        cfg.dropout = args.dropout
        model = GPT(cfg)
        model.load_state_dict(state, strict=True)
        if tok_path:
            tokenizer_src = Path(tok_path)
        print(f"init from {args.init_from}: {model.num_params()/1e6:.1f}M params", file=sys.stderr)
    elif args.resume:
        cfg, state = load_checkpoint(args.resume)
        cfg.dropout = args.dropout
        model = GPT(cfg)
        model.load_state_dict(state)
        print(f"resumed from {args.resume}", file=sys.stderr)
    else:
        train_meta = json.loads((work / "tokenizer.stats.json").read_text()) if (work / "tokenizer.stats.json").exists() else {}
        vocab = train_meta.get("vocab_size", 8192)
        cfg = GPTConfig(vocab_size=vocab, n_positions=args.n_ctx, n_embd=args.n_embd, n_layer=args.n_layer,
                        n_head=args.n_head, dropout=args.dropout, bos_token_id=vocab - 1, eos_token_id=vocab - 1)
        model = GPT(cfg)
    model.to(device)
    ctx = min(args.n_ctx, cfg.n_positions)

    train = np.memmap(work / "data" / "train.bin", dtype=np.uint16, mode="r")
    valid = np.memmap(work / "data" / "valid.bin", dtype=np.uint16, mode="r")
    if int(train.max()) >= cfg.vocab_size:
        sys.exit("train.bin holds ids beyond the model's vocabulary: retokenize with this model's tokenizer")
    valid_stats = json.loads((work / "data" / "valid.stats.json").read_text()) if (work / "data" / "valid.stats.json").exists() else None
    extra = {name: (np.memmap(work / "data" / f"{name}.bin", dtype=np.uint16, mode="r"),
                    json.loads((work / "data" / f"{name}.stats.json").read_text())) for name in args.extra_valid}

    def held_out() -> tuple[float, dict]:
        """The loss on valid.bin (what picks the best checkpoint), and bits per byte there and on each --extra-valid set."""
        def bpb(loss: float, stats: dict | None) -> float | None:
            return round(loss / math.log(2) * stats["tokens"] / stats["bytes"], 4) if stats else None

        vl = evaluate(model, valid, ctx, device, autocast, n_windows=args.eval_windows)
        scores = {"valid_loss": round(vl, 4), "valid_bpb": bpb(vl, valid_stats)}
        for name, (data, st) in extra.items():
            scores[f"{name}_bpb"] = bpb(evaluate(model, data, ctx, device, autocast, n_windows=args.eval_windows), st)
        return vl, scores

    def meta() -> dict:
        return {"history": history, "tokens_seen": seen, "tokenizer": str(tokenizer_src)}

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt_kwargs = {"lr": args.lr, "betas": (0.9, 0.95), "eps": 1e-8}
    if device.type == "cuda":
        opt_kwargs["fused"] = True
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], **opt_kwargs)

    def autocast():
        if not use_bf16:
            return torch.autocast(device.type, enabled=False)
        return torch.autocast(device.type, dtype=torch.bfloat16)

    step_model = torch.compile(model) if args.compile else model
    if args.resume or args.init_from:  # where we start from, for the before/after comparison
        print(json.dumps({"step": 0, **held_out()[1]}), file=sys.stderr)
    rng = np.random.default_rng(args.seed)
    tokens_per_step = args.batch_size * ctx * args.grad_accum
    budget_steps = args.max_tokens / tokens_per_step
    print(json.dumps({"params": model.num_params(), "config": asdict(cfg), "tokens_per_step": tokens_per_step,
                      "train_tokens": int(len(train)), "device": str(device)}), file=sys.stderr)
    total_steps_est = int(min(budget_steps, 10**9)) if budget_steps != float("inf") else 10**6
    bar = Progress(total_steps_est if budget_steps != float("inf") else int(args.time_budget), "train",
                   "steps" if budget_steps != float("inf") else "s")
    t0 = time.time()
    best = float("inf")
    history = []
    step = 0
    seen = 0
    while True:
        elapsed = time.time() - t0
        frac = max(step / budget_steps if budget_steps != float("inf") else 0.0,
                   elapsed / args.time_budget if args.time_budget != float("inf") else 0.0)
        if frac >= 1.0:
            break
        lr = lr_at(frac, step, args.lr, args.warmup, args.min_lr_frac)
        for g in opt.param_groups:
            g["lr"] = lr
        for _ in range(args.grad_accum):
            x, y = get_batch(train, args.batch_size, ctx, rng, device)
            with autocast():
                loss = model.loss(x, y) if step_model is model else _compiled_loss(step_model, x, y)
            (loss / args.grad_accum).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        seen += tokens_per_step
        if step % args.eval_every == 0:
            vl, scores = held_out()
            history.append({"step": step, "tokens": seen, "seconds": round(time.time() - t0, 1), "train_loss": round(loss.item(), 4),
                            "lr": lr, **scores})
            print("\n" + json.dumps(history[-1]), file=sys.stderr)
            if args.save_every_eval:
                save_checkpoint(out / "steps" / f"{step:06d}", cfg, model, meta())
            if vl < best:
                best = vl
                save_checkpoint(out, cfg, model, meta())
        dt = time.time() - t0
        bar_n = step if budget_steps != float("inf") else int(dt)
        bar.update(bar_n - bar.n, loss=round(loss.item(), 3), tok_s=int(seen / max(dt, 1e-9)), lr=f"{lr:.2e}")
    bar.close()
    vl = evaluate(model, valid, ctx, device, autocast, n_windows=args.eval_windows)
    if vl < best:
        save_checkpoint(out, cfg, model, meta())
    # keep the tokenizer beside the weights so export never pairs them wrongly
    (out / "tokenizer.json").write_bytes(Path(tokenizer_src).read_bytes())
    summary = {"steps": step, "tokens_seen": seen, "seconds": round(time.time() - t0, 1), "best_valid_loss": min(best, vl),
               "device": str(device), "history": history}
    (out / "train_summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k != "history"}))


def _compiled_loss(m, x, y):
    import torch.nn.functional as F

    logits, _ = m(x)
    return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1))


if __name__ == "__main__":
    main()
