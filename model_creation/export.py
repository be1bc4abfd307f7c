"""Export a training checkpoint to an ONNX model directory (transformers.js layout).

  /usr/bin/python3 model_creation/export.py --checkpoint ckpt.pt --tokenizer tokenizer.json --out public/models/abstract-gpt
  add --merged for onnx/decoder_model_merged.onnx instead of onnx/model.onnx
  add --hf DIR instead of --checkpoint to export a Hugging Face GPT-2 checkpoint
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402

from aacomplete.export_onnx import load_checkpoint, model_from_state  # noqa: E402
from aacomplete.hf_checkpoint import load_hf_gpt2  # noqa: E402
from aacomplete.hf_layout import write_model_dir  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="training checkpoint: directory with checkpoint.json, or a torch.save({'config', 'model'}) file")
    src.add_argument("--hf", help="Hugging Face GPT-2 directory (config.json + model.safetensors / pytorch_model.bin)")
    ap.add_argument("--tokenizer", help="tokenizer.json to ship (default with --hf: the one in that directory)")
    ap.add_argument("--out", required=True, help="model directory to write")
    ap.add_argument("--merged", action="store_true", help="write onnx/decoder_model_merged.onnx (use_cache_branch input)")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)

    tokenizer = args.tokenizer
    if args.checkpoint:
        model = load_checkpoint(args.checkpoint)
    else:
        cfg, state, hf_tok = load_hf_gpt2(args.hf)
        model = model_from_state(cfg, state)
        tokenizer = tokenizer or hf_tok
    if not tokenizer:
        ap.error("--tokenizer is required (no tokenizer.json found)")
    path = write_model_dir(model, tokenizer, args.out, merged=args.merged)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {model.num_params() / 1e6:.2f}M params)")


if __name__ == "__main__":
    main()
