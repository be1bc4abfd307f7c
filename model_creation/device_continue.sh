#!/usr/bin/env bash
# Continued training on paper bodies + abstracts on a lent accelerator machine (model_creation/README.md,
# "Paper bodies"). Several runs share the one GPU (the 27M-parameter model leaves most of it idle), each
# resuming from START and saving every evaluation; choose_blend.py then picks the step and the blend with
# the starting weights that is best on held-out body paragraphs while abstracts stay within a bar.
# Expects CARRY (default .device/mix, made by make_device_mix.sh). Writes $OUT/ckpt (the chosen weights,
# choice.json, train_summary.json) and $OUT/train.log: at most 8 files, each under the 16 MB a returned file may have.
set -uo pipefail
cd "$(dirname "$0")/.."
CARRY=${CARRY:-.device/mix}
OUTDIR=${OUT:-/tmp/aa-out}
W=${WORKDIR:-/tmp/aa-mix}
START=${START:-model_creation/checkpoints/abstract-gpt}
PY=${PY:-python3}
export PYTHONUNBUFFERED=1
mkdir -p "$W/data" "$OUTDIR"
xz -dc "$CARRY/train.bin.xz" > "$W/data/train.bin"
cp "$CARRY"/valid.bin "$CARRY"/valid_abs.bin "$CARRY"/*.stats.json "$W/data/"
cp "$CARRY/tokenizer.json" "$W/"
# each run: "name peak-lr max-tokens dropout"
IFS=';' read -ra runs <<< "${RUNS:-a 3e-4 16e6 0.0;b 3e-4 40e6 0.1;c 6e-4 40e6 0.1}"
dirs=()
for r in "${runs[@]}"; do
  read -r name lr tokens drop <<< "$r"
  dirs+=(--runs "$W/run-$name")
  $PY model_creation/train.py --work "$W" --resume "$START" --out "$W/run-$name" --batch-size "${BATCH:-64}" \
    --n-ctx "${N_CTX:-512}" --lr "$lr" --warmup "${WARMUP:-50}" --max-tokens "$tokens" --time-budget "${BUDGET:-240}" \
    --eval-every "${EVAL_EVERY:-60}" --eval-windows "${EVAL_WINDOWS:-256}" --extra-valid valid_abs --save-every-eval \
    --dropout "$drop" --threads 4 2>&1 | sed -u "s/^/$name /" >> "$OUTDIR/train.log" &
done
wait
$PY model_creation/choose_blend.py --old "$START" "${dirs[@]}" --work "$W" --texts "$CARRY/bodies_valid.jsonl" \
  --texts "$CARRY/abstracts_valid.jsonl" --bodies bodies_valid --abstracts abstracts_valid \
  --alphas "${ALPHAS:-1,0.8,0.6,0.4}" --top "${TOP:-2}" --windows "${EVAL_WINDOWS:-256}" --ctx "${N_CTX:-512}" --out "$OUTDIR/ckpt"
# the tokenizer is START's (unchanged by continued training): leave it out to stay within 8 returned files;
# copy START's tokenizer.json into the returned ckpt/ before ship.sh (which stops with that advice otherwise)
rm -f "$OUTDIR/ckpt/tokenizer.json"
ls -la "$OUTDIR" "$OUTDIR/ckpt"
