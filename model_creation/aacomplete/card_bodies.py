"""The model card's "Paper bodies" section: continued training on LaTeX paper bodies, before and after.

Every number is read from a file the pipeline wrote: prepare_bodies.py's stats.json, the trainer's
summary, and `npm run eval` outputs (bits per byte through the engine, int8) of the model before and
after, on the same held-out body paragraphs and abstracts.
"""
from __future__ import annotations

import json
import re
from pathlib import Path


def _bpb(path: Path) -> float:
    m = re.findall(r"bits_per_byte:\s*([0-9.]+)", path.read_text())
    if not m:
        raise SystemExit(f"{path}: no 'bits_per_byte:' line")
    return float(m[-1])


def _count(path: Path, key: str) -> int:
    m = re.findall(rf"^{key}:\s*(\d+)$", path.read_text(), re.M)
    return int(m[-1]) if m else 0


def bodies_section(stage: Path, mix_stats_path: Path, summary: dict) -> list[str]:
    """Empty when this export did not come from the paper-body run (no before/after files)."""
    names = ["bodies_before", "bodies_int8", "abstracts_before", "int8"]
    files = {n: stage / f"eval_{n}.txt" for n in names}
    if not all(f.exists() for f in files.values()) or not mix_stats_path.exists():
        return []
    st = json.loads(mix_stats_path.read_text())
    b = {n: _bpb(f) for n, f in files.items()}
    paras = _count(files["bodies_int8"], "abstracts")  # scripts/eval.ts calls every text it scores an abstract
    n_abs = _count(files["int8"], "abstracts")
    hist = summary.get("history", [])
    lines = [
        "## Paper bodies (continued training)",
        "",
        f"The model was first trained on abstracts only, then trained further on a mix of LaTeX paper bodies and abstracts "
        f"(`model_creation/prepare_bodies.py`, `train.py --resume`), so that suggestions fit the whole paper, not only its abstract.",
        "",
        "| held-out text (never trained on), int8 through the engine | before | after |",
        "|---|---|---|",
        f"| {paras} body paragraphs from {st['repos']['valid']} held-out repositories (`model_creation/work/eval/bodies_valid.jsonl`) "
        f"| {b['bodies_before']:.4f} | **{b['bodies_int8']:.4f}** |",
        f"| the first {n_abs} validation abstracts | {b['abstracts_before']:.4f} | **{b['int8']:.4f}** |",
        "",
        "Bits per byte; each paragraph is scored alone after `<|endoftext|>`, like the abstracts.",
        "",
        f"- Corpus: `latex_papers.jsonl.gz`, the LaTeX of {st['repos']['train'] + st['repos']['valid']} papers, reports and theses "
        "from public repositories "
        f"(preamble, comments, bibliography and table/TikZ/algorithm bodies removed by its makers). Split by repository: "
        f"{st['repos']['train']} repositories train, {st['repos']['valid']} held out (10% by a hash of the repository name), "
        "so no paper sits on both sides.",
        f"- Hard line wraps: {100 * st['wrapped_paragraph_share_raw']:.0f}% of prose paragraphs in the sources are wrapped over "
        "3+ lines (~80 columns), while people typing in Overleaf mostly write one line per paragraph, which is what the editor "
        "sends the model. Trained on wrapped text, the model would learn to suggest a line break every dozen words "
        + (f"({st['prose_breaks_per_1000_words']['raw']} line breaks per 1,000 words of prose; "
           f"{st['prose_breaks_per_1000_words']['unwrapped']} after unwrapping). " if "prose_breaks_per_1000_words" in st else ". ")
        + "`latex_bodies.unwrap` joins a prose paragraph's lines with one space and keeps the breaks LaTeX gives meaning "
        f"(environments, sectioning, `\\\\`, display math, `\\item`); after it {100 * st['wrapped_paragraph_share_unwrapped']:.0f}% "
        "remain multi-line (mostly paragraphs with forced breaks).",
        f"- Long theses: one repository may hold up to 400,000 characters; each is capped at {st.get('cap', 150_000):,} characters "
        f"in training (cut at a paragraph), so a thesis weighs at most about three median papers: "
        f"{st['body_chars']['train_uncapped'] / 1e6:.1f}M -> {st['body_chars']['train_capped'] / 1e6:.1f}M characters.",
        f"- Mix: {st['body_chars']['train_capped'] / 1e6:.1f}M characters of bodies and {st['abstracts']['train_chars'] / 1e6:.1f}M "
        f"of training abstracts ({st['abstracts']['train']:,}, sampled evenly over every source) so the abstracts are not "
        f"forgotten: {st['train']['tokens'] / 1e6:.2f}M tokens in all.",
    ]
    if hist:
        first, last = hist[0], min(hist, key=lambda h: h["valid_loss"])
        lines.append(
            f"- Training: {summary.get('tokens_seen', 0) / 1e6:.2f}M tokens in {summary.get('seconds', 0) / 60:.0f} minutes on "
            f"{summary.get('device', 'CPU')}; training monitor (all held-out body text, math and environments included): "
            f"{first['valid_bpb']} bits per byte at step {first['step']} -> {last['valid_bpb']} at step {last['step']}"
            + (f"; held-out abstracts {first.get('valid_abs_bpb')} -> {last.get('valid_abs_bpb')}" if "valid_abs_bpb" in last else "")
            + "."
        )
    lines.append("")
    return lines
