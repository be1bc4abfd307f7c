#!/usr/bin/env bash
# Installs transformers.js (the comparison runtime of `npm run bench` and of
# tests/transformersjs-parity.test.ts) into bench/transformersjs/, only when missing or stale.
# It lives outside the extension's dependency tree because it brings native onnxruntime-node,
# whose postinstall downloads GPU builds from a host that is not the npm registry. That
# download is optional (the CPU binary ships in the npm package), so scripts are skipped.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../bench/transformersjs" && pwd)"
stamp="$dir/node_modules/.lock-installed"
if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then exit 0; fi
echo "installing transformers.js for comparisons (bench/transformersjs)" >&2
(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
cp "$dir/package-lock.json" "$stamp"
