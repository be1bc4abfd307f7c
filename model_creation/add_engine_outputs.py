"""Add the outputs our engine fetches to an exported decoder, in place:
new_key_values.{i}.key/.value and last_logits.

export.py adds them to every new export (see add_new_kv_outputs and add_last_logits_output in
aacomplete/export_onnx.py for why); this updates a model exported before that, without
re-exporting or re-quantizing: outputs (and the nodes of the last-row LM head, which share the
weights) are added, so weights and the other outputs stay as they were.

  /usr/bin/python3 model_creation/add_engine_outputs.py public/models/abstract-gpt/onnx/model_quantized.onnx
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import onnx  # noqa: E402

from aacomplete.export_onnx import add_last_logits_output, add_new_kv_outputs  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", nargs="+", help="ONNX decoder file(s); n_layer is read from ../config.json")
    args = ap.parse_args(argv)
    for file in map(Path, args.model):
        config = json.loads((file.parent.parent / "config.json").read_text())
        proto = onnx.load(str(file))
        added = add_new_kv_outputs(proto, config["n_layer"]) + add_last_logits_output(proto)
        if added:
            onnx.checker.check_model(proto)
            onnx.save(proto, str(file))
        print(f"{file}: {added} outputs added")


if __name__ == "__main__":
    main()
