#!/usr/bin/env python3
"""Builds the DistilGPT2-shaped benchmark model (or, with --shape bundled, a
random-weight stand-in shaped like the bundled model: 7 layers, 512 wide,
8 heads, vocab 8192, context 512) (6 layers, 768 wide, 12 heads,
vocab 50,257, context 1024, random weights) with a GPT-2-layout byte-level
tokenizer of exactly 50,257 tokens (256 bytes + 50,000 synthetic merges +
<|endoftext|>), exports it with model_creation's exporter and quantizes it to
int8. Speed does not depend on the weights' or merges' values.

  /usr/bin/python3 bench/make_distilgpt2_shape.py bench/cache/distilgpt2-shape
  /usr/bin/python3 bench/make_distilgpt2_shape.py bench/cache/bundled-shape --shape bundled
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "model_creation"))

import torch  # noqa: E402
from aacomplete.bpe import BYTE_ENCODER, ByteLevelBPE  # noqa: E402
from aacomplete.hf_layout import write_model_dir  # noqa: E402
from aacomplete.model import GPT, GPTConfig  # noqa: E402
from quantize import quantize_dir  # noqa: E402

SHAPES = {
    "distilgpt2": dict(vocab_size=50_257, n_positions=1024, n_embd=768, n_layer=6, n_head=12),
    "bundled": dict(vocab_size=8192, n_positions=512, n_embd=512, n_layer=7, n_head=8),
}


def synthetic_merges(n_merges: int) -> list[tuple[str, str]]:
    # Letters and the space marker first, so ordinary text merges into pairs.
    order = sorted(range(256), key=lambda b: (not (chr(b).isalpha() or b == 32), b))
    chars = [BYTE_ENCODER[b] for b in order]
    merges = []
    for a in chars:
        for b in chars:
            merges.append((a, b))
            if len(merges) == n_merges:
                return merges
    raise AssertionError


def main() -> None:
    args = sys.argv[1:]
    shape = SHAPES["distilgpt2"]
    if "--shape" in args:
        i = args.index("--shape")
        shape = SHAPES[args[i + 1]]
        del args[i : i + 2]
    out = Path(args[0] if args else ROOT / "bench/cache/distilgpt2-shape")
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(2)
    tok = ByteLevelBPE(synthetic_merges(shape["vocab_size"] - 257))
    assert tok.vocab_size == shape["vocab_size"], tok.vocab_size
    tok_path = out / "tokenizer.src.json"
    tok.save_hf(tok_path)
    cfg = GPTConfig(**shape)
    model = GPT(cfg).eval()
    path = write_model_dir(model, tok_path, out)
    tok_path.unlink()
    quantize_dir(out)
    (out / "onnx" / "model.onnx").unlink()  # the benchmark loads the int8 file only
    print(f"wrote {out} ({model.num_params() / 1e6:.2f}M params)")


if __name__ == "__main__":
    main()
