#!/usr/bin/env bash
# Pack what device_continue.sh needs into .device/mix (git-ignored): the prepared mix (prepare_bodies.py),
# xz-compressed, and the texts the choice is measured on: held-out body paragraphs (make_body_eval.py) and
# the first 300 validation abstracts (the model card's abstract measure). The resume checkpoint travels
# with the tree; together they must stay under the accelerator machine's 64 MiB transfer limit.
set -euo pipefail
cd "$(dirname "$0")/.."
MIX=${MIX:-model_creation/work/mix}
D=.device/mix
mkdir -p "$D"
xz -9 -T2 -kc "$MIX/data/train.bin" > "$D/train.bin.xz"
cp "$MIX"/data/valid.bin "$MIX"/data/valid_abs.bin "$MIX"/data/*.stats.json "$MIX/tokenizer.json" "$D/"
cp model_creation/work/eval/bodies_valid.jsonl "$D/"
head -n 300 model_creation/work/data/valid.jsonl > "$D/abstracts_valid.jsonl"
du -sh "$D"
