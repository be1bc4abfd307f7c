#!/usr/bin/env python3
"""Build draft-ngrams.bin: the n-gram table the engine drafts from (speculative decoding).

  /usr/bin/python3 model_creation/make_draft_table.py --checkpoint CKPT_DIR \
      --tokenizer tokenizer.json --train train.jsonl --valid valid.jsonl --out DIR

1. Greedy continuations (64 tokens) by the model itself, from prefixes of
   training abstracts (8..96 tokens), batched with a KV cache.
2. Per context of 1..4 tokens, the most frequent next token (aacomplete/draft_table.py),
   without entries that a shorter context predicts alike.
3. Check on validation prompts: replay the model's greedy continuations and
   count forward runs with drafting (prompt lookup first, then the table, as the
   engine does), so the table's value is measured on text it was not built from.
Writes DIR/draft-ngrams.bin and DIR/draft_stats.json.

--keep-table reads DIR/draft-ngrams.bin back instead of building it (steps 1-2),
and only redoes the replay check: for a re-quantized model of the same checkpoint,
whose table (made from the checkpoint in torch) cannot have changed.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.bpe import ByteLevelBPE  # noqa: E402
from aacomplete.checkpoint import load_checkpoint  # noqa: E402
from aacomplete.draft_table import count_ngrams, draft, prune_redundant, read_table, write_table  # noqa: E402
from aacomplete.model import GPT  # noqa: E402

# Engine constants (lib/engine/generator.ts): prompt lookup drafts up to 6 tokens after a 2-3-token match.
LOOKUP_MAX, LOOKUP_N, LOOKUP_MIN = 6, 3, 2


def read_prefixes(path: Path, tok: ByteLevelBPE, n: int, batch: int, max_len: int, rng: np.random.Generator) -> list[list[int]]:
    """Beginnings of abstracts; one random length (8..max_len tokens) per batch, so batches need no padding."""
    out: list[list[int]] = []
    length = 0
    with open(path) as f:
        for line in f:
            if len(out) % batch == 0:
                length = int(rng.integers(min(8, max_len), max_len + 1))
            ids = tok.encode(json.loads(line)["abstract"])
            if len(ids) >= length + 8:
                out.append(ids[:length])
            if len(out) >= n:
                break
    return out


@torch.no_grad()
def greedy(model: GPT, prompts: list[list[int]], new_tokens: int, batch: int, device: str, log=print) -> list[list[int]]:
    """Greedy continuations of consecutive equal-length prompts, a batch at a time."""
    out: list[list[int]] = []
    t0 = time.time()
    s = batches = 0
    while s < len(prompts):
        e = s + 1
        while e < len(prompts) and e - s < batch and len(prompts[e]) == len(prompts[s]):
            e += 1
        with torch.autocast(device, dtype=torch.bfloat16):
            logits, past = model(torch.tensor(prompts[s:e], device=device))
            nxt = logits[:, -1].float().argmax(-1)
            gen = []
            for _ in range(new_tokens):
                gen.append(nxt)
                logits, past = model(nxt[:, None], past=past)
                nxt = logits[:, -1].float().argmax(-1)
        out.extend(torch.stack(gen, 1).tolist())
        s = e
        batches += 1
        if batches % 16 == 0 or s == len(prompts):
            log(f"  {len(out)}/{len(prompts)} continuations, {time.time() - t0:.0f} s")
    return out


def lookup(h: list[int], mx: int) -> list[int]:
    L = len(h)
    for n in range(min(LOOKUP_N, L - 1), LOOKUP_MIN - 1, -1):
        suf = h[L - n :]
        for e in range(L - 1, n - 1, -1):
            if h[e - n : e] == suf:
                return h[e : min(L, e + mx)]
    return []


def replay(prompts, gens, drafter) -> dict:
    """Forward runs needed to produce each greedy continuation when drafts are verified in the same run."""
    runs = drafted = accepted = 0
    for p, g in zip(prompts, gens):
        pos = 1  # the first token comes from the prefill
        while pos < len(g):
            d = drafter(p + g[:pos], len(g) - pos - 1)
            a = 0
            while a < len(d) and d[a] == g[pos + a]:
                a += 1
            runs += 1
            drafted += len(d)
            accepted += a
            pos += a + 1
    steps = sum(len(g) - 1 for g in gens)
    return {"decode_tokens": steps, "forward_runs": runs, "tokens_per_run": round(steps / max(1, runs), 3),
            "drafted": drafted, "accepted": accepted, "acceptance": round(accepted / max(1, drafted), 3)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--train", required=True, help="training JSONL (abstract per line)")
    ap.add_argument("--valid", required=True, help="validation JSONL, for the replay check")
    ap.add_argument("--out", required=True, help="model directory to write draft-ngrams.bin into")
    ap.add_argument("--prompts", type=int, default=12000, help="training prefixes to continue")
    ap.add_argument("--valid-prompts", type=int, default=256)
    ap.add_argument("--max-order", type=int, default=4)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--min-prob", type=float, default=0.2)
    ap.add_argument("--chain-min", type=float, default=0.15, help="about the cost of one more row in a run over the cost of a step (1.0 vs 7.8 ms, 1 thread)")
    ap.add_argument("--prune-tolerance", type=int, default=20, help="drop entries the shorter context predicts alike (probability within N/255); -1 keeps all")
    ap.add_argument("--continuations", help="cache file (.json) of the generated continuations: read if present, else written")
    ap.add_argument("--max-draft", type=int, default=8, help="longest draft in the replay check (engine: SPECULATIVE_DRAFT)")
    ap.add_argument("--new-tokens", type=int, default=64, help="greedy tokens per prefix (the benchmark decodes 64)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep-table", action="store_true",
                    help="keep OUT/draft-ngrams.bin (built with these --min-count/--min-prob/--prune-tolerance) and only redo the replay check")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    rng = np.random.default_rng(args.seed)
    tok = ByteLevelBPE.load_hf(args.tokenizer)
    cfg, state = load_checkpoint(Path(args.checkpoint))
    model = GPT(cfg)
    model.load_state_dict(state)
    model.eval().to(device)

    max_len = min(96, cfg.n_positions - args.new_tokens)
    # Read even with --keep-table: the random prefix lengths drawn here decide the validation prefixes below.
    train_prompts = read_prefixes(Path(args.train), tok, args.prompts, args.batch, max_len, rng)
    out = Path(args.out)
    if args.keep_table:
        tables, vocab, chain_min = read_table(out / "draft-ngrams.bin")
        if vocab != cfg.vocab_size or chain_min != np.float32(args.chain_min):
            raise SystemExit(f"{out / 'draft-ngrams.bin'}: vocab {vocab}, chain_min {chain_min}; expected {cfg.vocab_size}, {args.chain_min}")
        nbytes = (out / "draft-ngrams.bin").stat().st_size
        generated = sum(len(p) + args.new_tokens for p in train_prompts)  # greedy never stops early
        print(f"kept {out / 'draft-ngrams.bin'}")
    else:
        print(f"continuing {args.prompts} training prefixes on {device}")
        cache = Path(args.continuations) if args.continuations else None
        if cache and cache.exists() and json.loads(cache.read_text())["prompts"] == train_prompts:
            train_gens = json.loads(cache.read_text())["continuations"]
            print(f"read the continuations from {cache}")
        else:
            train_gens = greedy(model, train_prompts, args.new_tokens, args.batch, device)
            if cache:
                cache.write_text(json.dumps({"prompts": train_prompts, "continuations": train_gens}))
        seqs = [np.array(p + g) for p, g in zip(train_prompts, train_gens)]
        generated = sum(len(s) for s in seqs)
        tables = [count_ngrams(seqs, o, cfg.vocab_size, args.min_count, args.min_prob) for o in range(1, args.max_order + 1)]
        if args.prune_tolerance >= 0:
            tables = prune_redundant(tables, cfg.vocab_size, args.prune_tolerance)
        out.mkdir(parents=True, exist_ok=True)
        nbytes = write_table(out / "draft-ngrams.bin", tables, cfg.vocab_size, args.chain_min)

    print(f"replaying {args.valid_prompts} validation prompts")
    vp = read_prefixes(Path(args.valid), tok, args.valid_prompts, args.batch, max_len, rng)
    vg = greedy(model, vp, args.new_tokens, args.batch, device)
    table_draft = lambda h, m: draft(tables, cfg.vocab_size, args.chain_min, h, m)  # noqa: E731
    stats = {
        "train_prefixes": len(train_prompts),
        "generated_tokens": int(generated),
        "entries": {t.order: int(len(t.keys)) for t in tables},
        "bytes": nbytes,
        "min_count": args.min_count,
        "min_prob": args.min_prob,
        "chain_min": args.chain_min,
        "prune_tolerance": args.prune_tolerance,
        # the card must not call a kept table (made from the weights shipped before) this model's
        "table_kept": bool(args.keep_table),
        "valid_prefixes": len(vp),
        "replay": {
            "none": replay(vp, vg, lambda h, m: []),
            "prompt_lookup": replay(vp, vg, lambda h, m: lookup(h, min(m, LOOKUP_MAX))),
            "prompt_lookup_then_table": replay(vp, vg, lambda h, m: lookup(h, min(m, LOOKUP_MAX)) or table_draft(h, min(m, args.max_draft))),
        },
    }
    (out / "draft_stats.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
