"""Add what our engine uses to an exported decoder, in place: the outputs
new_key_values.{i}.key/.value and the input num_logits_to_keep (replacing the earlier
last_logits output where a file has it).

export.py adds them to every new export (see add_new_kv_outputs and add_logits_to_keep_input in
aacomplete/engine_outputs.py for why); this updates a model exported before that, without
re-exporting or re-quantizing: outputs, one input and the Slice in front of the LM head are
added, so weights and the other outputs stay as they were.

  /usr/bin/python3 model_creation/add_engine_outputs.py public/models/abstract-gpt/onnx/model_quantized.onnx
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

from aacomplete.engine_outputs import add_logits_to_keep_input, add_new_kv_outputs  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="+", help="ONNX decoder file(s); n_layer is read from ../config.json")
    args = ap.parse_args(argv)
    for file in map(Path, args.model):
        config = json.loads((file.parent.parent / "config.json").read_text())
        proto = onnx.load(str(file))
        added = add_new_kv_outputs(proto, config["n_layer"]) + add_logits_to_keep_input(proto)
        if added:
            onnx.checker.check_model(proto)
            onnx.save(proto, str(file))
        print(f"{file}: {added} additions")


if __name__ == "__main__":
    main()
