"""Int8-quantize the ONNX files of an exported model directory.

  /usr/bin/python3 model_creation/quantize.py --model-dir public/models/abstract-gpt
writes onnx/model_quantized.onnx (and onnx/decoder_model_merged_quantized.onnx
when the merged file exists) next to the fp32 files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

from aacomplete.quantize_int8 import quantize_model  # noqa: E402

PAIRS = [("model.onnx", "model_quantized.onnx"), ("decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx")]


def quantize_dir(model_dir: str | Path) -> list[Path]:
    onnx_dir = Path(model_dir) / "onnx"
    written = []
    for src, dst in PAIRS:
        if (onnx_dir / src).exists():
            onnx.save(quantize_model(onnx.load(str(onnx_dir / src))), str(onnx_dir / dst))
            written.append(onnx_dir / dst)
    if not written:
        raise FileNotFoundError(f"{onnx_dir}: no model.onnx or decoder_model_merged.onnx to quantize")
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True, help="directory written by export.py")
    args = ap.parse_args(argv)
    for p in quantize_dir(args.model_dir):
        src = p.with_name(p.name.replace("_quantized", ""))
        print(f"wrote {p} ({p.stat().st_size / 1e6:.2f} MB; fp32 {src.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
