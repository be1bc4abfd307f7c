#!/usr/bin/env bash
# Pack what device_train.sh needs into .device/ (git-ignored), within the accelerator machine's
# 64 MiB transfer limit: the first MB megabytes of training abstracts, xz-compressed (~1.7 bits/byte).
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-245}
mkdir -p .device
/usr/bin/python3 - "$MB" <<'PY'
import json, sys
limit = float(sys.argv[1]) * 1e6
n = 0
with open("model_creation/work/data/train.jsonl") as f, open(".device/train.jsonl", "w") as o:
    for line in f:
        a = json.loads(line)["abstract"]
        n += len(a.encode())
        if n > limit:
            break
        o.write(json.dumps({"abstract": a}, ensure_ascii=False) + "\n")
PY
cp model_creation/work/data/valid.jsonl model_creation/work/tokenizer.json model_creation/work/tokenizer.stats.json .device/
xz -9 -T2 -f .device/train.jsonl
du -sh .device
