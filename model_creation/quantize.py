"""Int8-quantize the ONNX files of an exported model directory.

  /usr/bin/python3 model_creation/quantize.py --model-dir public/models/abstract-gpt
writes onnx/model_quantized.onnx (and onnx/decoder_model_merged_quantized.onnx
when the merged file exists) next to the fp32 files: 7-bit weights wherever
MatMulInteger reads them (see aacomplete/quantize_int8.py for why).
--full-range-to DIR also writes a copy of the model directory quantized with the
full int8 range (|q| <= 127, what earlier releases shipped), which is exact only
on CPUs with VNNI, ARM and WASM: ship.sh measures it to show what 7 bits cost.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

from aacomplete.quantize_int8 import GATHER_QMAX, MATMUL_QMAX, quantize_model  # noqa: E402

PAIRS = [("model.onnx", "model_quantized.onnx"), ("decoder_model_merged.onnx", "decoder_model_merged_quantized.onnx")]


def quantize_dir(model_dir: str | Path, out_dir: str | Path | None = None, matmul_qmax: int = MATMUL_QMAX) -> list[Path]:
    """Quantizes model_dir/onnx/*; into out_dir (a copy of the directory's JSON files) when given."""
    onnx_dir = Path(model_dir) / "onnx"
    dest = Path(out_dir) / "onnx" if out_dir else onnx_dir
    written = []
    for src, dst in PAIRS:
        if (onnx_dir / src).exists():
            dest.mkdir(parents=True, exist_ok=True)
            onnx.save(quantize_model(onnx.load(str(onnx_dir / src)), matmul_qmax), str(dest / dst))
            written.append(dest / dst)
    if written and out_dir:
        for f in Path(model_dir).glob("*.json"):
            shutil.copy(f, Path(out_dir) / f.name)
    if not written:
        raise FileNotFoundError(f"{onnx_dir}: no model.onnx or decoder_model_merged.onnx to quantize")
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True, help="directory written by export.py")
    ap.add_argument("--full-range-to", metavar="DIR", help="also write a full-range int8 copy of the model directory here")
    args = ap.parse_args(argv)
    runs = [(None, MATMUL_QMAX)] + ([(args.full_range_to, GATHER_QMAX)] if args.full_range_to else [])
    for out_dir, qmax in runs:
        for p in quantize_dir(args.model_dir, out_dir, qmax):
            src = Path(args.model_dir) / "onnx" / p.name.replace("_quantized", "")
            print(f"wrote {p} (|q| <= {qmax}; {p.stat().st_size / 1e6:.2f} MB; fp32 {src.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
