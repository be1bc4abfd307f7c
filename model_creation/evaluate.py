#!/usr/bin/env python3
"""Step 6 (torch side): validation bits per byte and continuations of five fixed prompts.

The fp32 and int8 ONNX numbers come from the engine (`npm run eval`), run by
`ship.sh`; this script measures the torch checkpoint with the same protocol.
"""
import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aacomplete.bpe import ByteLevelBPE  # noqa: E402
from aacomplete.checkpoint import load_checkpoint  # noqa: E402
from aacomplete.model import GPT  # noqa: E402
from aacomplete.progress import Progress  # noqa: E402
from aacomplete.scoring import bits_per_byte, sample  # noqa: E402

PROMPTS = [
    "We propose a method to",
    "In this paper, we",
    "Graph neural networks",
    "Abstract: Large language models",
    "We study the problem of",
    # paper bodies (the continued training): a section opening and a results sentence
    "\\section{Related Work}\nPrior work on",
    "As shown in Table~\\ref{tab:results}, our method",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--tokenizer", default=None, help="default: CHECKPOINT/tokenizer.json")
    ap.add_argument("--data", required=True, help="validation JSONL ({abstract})")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--out", required=True, help="JSON results file")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cfg, state = load_checkpoint(args.checkpoint)
    model = GPT(cfg)
    model.load_state_dict(state)
    model.eval()
    tok = ByteLevelBPE.load_hf(args.tokenizer or Path(args.checkpoint) / "tokenizer.json")
    texts = [json.loads(l)["abstract"] for l in Path(args.data).read_text().splitlines() if l.strip()]
    if args.limit:
        texts = texts[: args.limit]
    bar = Progress(len(texts), "torch bpb", "abstracts")
    res = bits_per_byte(model, tok, texts, progress=lambda **kw: bar.update(1, **kw))
    bar.close()
    samples = []
    for p in PROMPTS:
        samples.append({
            "prompt": p,
            "greedy": sample(model, tok, p, temperature=0.0),
            "sampled": sample(model, tok, p, temperature=0.8, top_p=0.9, seed=1),
        })
    out = {"torch": res, "samples": samples, "params": sum(p.numel() for p in model.parameters())}
    Path(args.out).write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps({"torch_bits_per_byte": res["bits_per_byte"]}))
    for s in samples:
        print(f"{s['prompt']} | greedy: {s['greedy']!r}\n{' ' * len(s['prompt'])} | sampled: {s['sampled']!r}")


if __name__ == "__main__":
    main()
