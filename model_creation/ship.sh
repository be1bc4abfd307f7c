#!/usr/bin/env bash
# Steps 4-7 in one command: export -> int8 -> evaluate (torch, fp32 ONNX, int8 ONNX through
# the engine and through transformers.js's native onnxruntime, and the full-range int8 that
# 7-bit weights replaced) -> tokenizer parity on validation abstracts -> reference fixture
# -> draft table -> model card
# -> copy the int8 model into the extension (public/models/abstract-gpt/).
#
#   bash model_creation/ship.sh CHECKPOINT_DIR
# CHECKPOINT_DIR holds checkpoint.json + weights-*.pt + tokenizer.json (+ train_summary.json).
# COMPARE (default 1000): the torch / fp32 / int8 comparison runs on the first COMPARE validation
# abstracts (torch on a 2-core CPU scores ~2 abstracts/s); the shipped int8 model is then also
# measured on the whole validation split.
# Needs model_creation/work/data/{train,valid}.jsonl (python3 model_creation/prepare_data.py).
# SKIP_EXPORT=1 reuses the staged export; DRAFT_ONLY=1 only rebuilds the draft table and model card.
# KEEP_DRAFT=1 keeps the shipped draft-ngrams.bin (it is made from the checkpoint in torch, so a
# re-quantization of the same checkpoint cannot change it; ~12 min saved) and only redoes its replay check.
# With a newly trained checkpoint the kept table is the previous model's: the card says so, and the replay
# check measures how well it still drafts.
# BODY_EVAL (default work/eval/bodies_valid.jsonl, from make_body_eval.py): held-out paper-body paragraphs,
# scored through the engine when the file exists; BEFORE_MODEL=DIR (a copy of the model shipped before this
# run) adds its scores on the same paragraphs and abstracts, for the card's before/after table.
# SKIP_FULL_EVAL=1 skips the whole-validation-split int8 run (~10 min on 2 cores); the card then
# headlines the COMPARE number.
# AVX2_CHECK=N (needs qemu-user): also scores the first N abstracts with transformers.js's native
# onnxruntime under QEMU's Haswell CPU (AVX2, no AVX-512/VNNI), ~9 s per abstract, to show that the
# shipped int8 scores alike there and the full-range int8 does not.
set -euo pipefail
cd "$(dirname "$0")/.."
CKPT=${1:?usage: ship.sh CHECKPOINT_DIR}
# device_continue.sh leaves the tokenizer out of what it returns (it is its start checkpoint's): say so
# before the export, not as a Python traceback after it.
if [ ! -f "$CKPT/tokenizer.json" ]; then
  echo "ship.sh: $CKPT has no tokenizer.json; copy the tokenizer of the checkpoint this one was trained from (device_continue.sh's START) into it" >&2
  exit 1
fi
COMPARE=${COMPARE:-1000}
PY=/usr/bin/python3
NAME=abstract-gpt
WORK=model_creation/work
STAGE=$WORK/export/$NAME
DEST=public/models/$NAME
VALID=$WORK/data/valid.jsonl
FULL_RANGE=$WORK/export/$NAME-full-range  # the earlier full-range int8, measured, never shipped
LIMIT_ARGS=(--limit "$COMPARE")
# QEMU's Haswell less the features its TCG lacks (they only print warnings)
HASWELL=(qemu-x86_64 -cpu Haswell,-pcid,-x2apic,-tsc-deadline,-hle,-invpcid,-rtm)
if [ -z "${SKIP_EXPORT:-}" ] && [ -z "${DRAFT_ONLY:-}" ]; then
  rm -rf "$STAGE" "$FULL_RANGE"; mkdir -p "$STAGE"
  $PY model_creation/export.py --checkpoint "$CKPT" --tokenizer "$CKPT/tokenizer.json" --out "$STAGE"
  $PY model_creation/quantize.py --model-dir "$STAGE" --full-range-to "$FULL_RANGE"
fi
if [ -z "${DRAFT_ONLY:-}" ]; then
bash scripts/ensure-transformersjs.sh
rm -f "$STAGE"/eval_*.txt
$PY model_creation/evaluate.py --checkpoint "$CKPT" --data "$VALID" "${LIMIT_ARGS[@]}" --out "$STAGE/eval_torch.json"
npx tsx scripts/eval.ts --data "$VALID" --model "$STAGE" --precision fp32 "${LIMIT_ARGS[@]}" | tee "$STAGE/eval_fp32.txt"
npx tsx scripts/eval.ts --data "$VALID" --model "$STAGE" "${LIMIT_ARGS[@]}" | tee "$STAGE/eval_int8.txt"
npx tsx scripts/eval.ts --data "$VALID" --model "$STAGE" "${LIMIT_ARGS[@]}" --runtime transformersjs | tee "$STAGE/eval_int8_native.txt"
npx tsx scripts/eval.ts --data "$VALID" --model "$FULL_RANGE" "${LIMIT_ARGS[@]}" | tee "$STAGE/eval_fullrange.txt"
npx tsx scripts/eval.ts --data "$VALID" --model "$FULL_RANGE" "${LIMIT_ARGS[@]}" --runtime transformersjs | tee "$STAGE/eval_fullrange_native.txt"
if [ "${AVX2_CHECK:-0}" -gt 0 ]; then
  for m in int8:"$STAGE" fullrange:"$FULL_RANGE"; do
    npx tsx scripts/eval.ts --data "$VALID" --model "${m#*:}" --limit "$AVX2_CHECK" --runtime transformersjs | tee "$STAGE/eval_${m%%:*}_native_first.txt"
    "${HASWELL[@]}" "$(command -v node)" --import tsx scripts/eval.ts --data "$VALID" --model "${m#*:}" --limit "$AVX2_CHECK" --runtime transformersjs \
      2> >(grep -v 'TCG doesn' >&2) | tee "$STAGE/eval_${m%%:*}_native_haswell.txt"
  done
fi
BODY_EVAL=${BODY_EVAL:-$WORK/eval/bodies_valid.jsonl}
if [ -f "$BODY_EVAL" ]; then
  npx tsx scripts/eval.ts --data "$BODY_EVAL" --model "$STAGE" | tee "$STAGE/eval_bodies_int8.txt"
  if [ -n "${BEFORE_MODEL:-}" ]; then
    npx tsx scripts/eval.ts --data "$BODY_EVAL" --model "$BEFORE_MODEL" | tee "$STAGE/eval_bodies_before.txt"
    npx tsx scripts/eval.ts --data "$VALID" --model "$BEFORE_MODEL" "${LIMIT_ARGS[@]}" | tee "$STAGE/eval_abstracts_before.txt"
  fi
fi
[ -z "${SKIP_FULL_EVAL:-}" ] && npx tsx scripts/eval.ts --data "$VALID" --model "$STAGE" | tee "$STAGE/eval_int8_full.txt"
npx tsx scripts/tokenizer-parity.ts --tokenizer "$STAGE/tokenizer.json" --texts "$VALID" --limit 3000 | tee "$STAGE/tokenizer_parity.json"
$PY model_creation/make_fixtures.py --from-checkpoint "$CKPT" --tokenizer "$STAGE/tokenizer.json" --out "$STAGE/reference.json"
fi
# the n-gram draft table for speculative decoding (needs the training split too)
KEEP_ARGS=()
if [ -n "${KEEP_DRAFT:-}" ]; then
  cp "$DEST/draft-ngrams.bin" "$STAGE/"
  KEEP_ARGS=(--keep-table)
fi
$PY model_creation/make_draft_table.py --checkpoint "$CKPT" --tokenizer "$STAGE/tokenizer.json" --train "$WORK/data/train.jsonl" --valid "$VALID" --out "$STAGE" \
  --continuations "$WORK/draft_continuations.json" "${KEEP_ARGS[@]}"
$PY model_creation/model_card.py --stage "$STAGE" --checkpoint "$CKPT" --data-stats "$WORK/data/stats.json" --out "$STAGE/README.md"
if [ -n "${DRAFT_ONLY:-}" ]; then
  cp "$STAGE"/{README.md,draft-ngrams.bin} "$DEST/"
  du -sh "$DEST/draft-ngrams.bin"
  exit 0
fi
rm -rf "$DEST"; mkdir -p "$DEST/onnx"
cp "$STAGE"/{config.json,generation_config.json,tokenizer.json,tokenizer_config.json,reference.json,README.md,draft-ngrams.bin} "$DEST/"
cp "$STAGE/onnx/model_quantized.onnx" "$DEST/onnx/"
# the resume point for the next training session (weights only, bf16 shards), unless it is CKPT itself
if [ "$(realpath "$CKPT")" != "$(realpath -m model_creation/checkpoints/$NAME)" ]; then
  rm -rf model_creation/checkpoints/$NAME; mkdir -p model_creation/checkpoints/$NAME
  cp "$CKPT"/{checkpoint.json,weights-*.pt,tokenizer.json} model_creation/checkpoints/$NAME/
  for f in train_summary.json tokenizer.stats.json; do
    if [ -f "$CKPT/$f" ]; then cp "$CKPT/$f" model_creation/checkpoints/$NAME/; fi
  done
fi
du -sh "$DEST" "$DEST/onnx/model_quantized.onnx"
