#!/usr/bin/env bash
# Python tests of model_creation/ with Debian's python3 (torch, onnx, numpy, regex).
# Installs the Debian packages that are missing, then runs pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(python3-torch python3-onnx python3-numpy python3-regex python3-pytest libopenblas0-pthread)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing missing Debian packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# /usr/bin/python3, not whatever python3 is first on PATH: only Debian's sees the packages above.
exec /usr/bin/python3 -m pytest model_creation/tests -q -p no:cacheprovider "$@"
