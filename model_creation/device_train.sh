#!/usr/bin/env bash
# Train on a lent accelerator machine (see model_creation/README.md, "Training on an accelerator").
# Expects the carried folder (default .device/) to hold train.jsonl.xz, valid.jsonl,
# tokenizer.json and tokenizer.stats.json, made by `make_device_carry.sh`.
# Tokenizes with every core, then trains for BUDGET seconds; checkpoints land in $OUT/ckpt
# as soon as validation improves, so a run cut short still returns its best weights.
set -euo pipefail
cd "$(dirname "$0")/.."
CARRY=${CARRY:-.device}
BUDGET=${BUDGET:-450}
OUTDIR=${OUT:-/tmp/aa-out}
W=${WORKDIR:-/tmp/aa-work}
export PYTHONUNBUFFERED=1
PY=${PY:-python3}
mkdir -p "$W/data" "$OUTDIR"
$PY -c "import torch, numpy; print('torch', torch.__version__, 'cuda', torch.cuda.is_available() and torch.cuda.get_device_name(0))"
$PY -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'), 1 << 24)" "$CARRY/train.jsonl.xz" "$W/data/train.jsonl"
cp "$CARRY/valid.jsonl" "$W/data/"
cp "$CARRY/tokenizer.json" "$CARRY/tokenizer.stats.json" "$W/"
$PY model_creation/tokenize_corpus.py --work "$W" --procs "$(nproc)"
$PY model_creation/train.py --work "$W" --out "$OUTDIR/ckpt" --time-budget "$BUDGET" \
  --n-layer "${N_LAYER:-7}" --n-embd "${N_EMBD:-512}" --n-head "${N_HEAD:-8}" --n-ctx "${N_CTX:-512}" \
  --batch-size "${BATCH:-256}" --lr "${LR:-1.5e-3}" --warmup "${WARMUP:-150}" --dropout "${DROPOUT:-0.05}" \
  --eval-every "${EVAL_EVERY:-250}" --eval-windows "${EVAL_WINDOWS:-512}" --threads 8 ${TRAIN_ARGS:-}
