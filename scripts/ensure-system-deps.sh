#!/usr/bin/env bash
# Installs the Debian packages a command needs, only when missing (root, or sudo).
#   bash scripts/ensure-system-deps.sh browser   # Debian's Chromium + openssl (e2e tests, demo)
#   bash scripts/ensure-system-deps.sh firefox   # Debian's firefox-esr + openssl (Firefox e2e tests, bench)
#   bash scripts/ensure-system-deps.sh bench     # zip (the benchmark measures the packed extension)
#   bash scripts/ensure-system-deps.sh python    # torch/onnx/numpy/regex/pytest for model_creation
set -euo pipefail
pkgs=()
for group in "$@"; do
  case "$group" in
    browser) pkgs+=(chromium openssl) ;;
    firefox) pkgs+=(firefox-esr openssl) ;;
    python) pkgs+=(python3-torch python3-onnx python3-numpy python3-regex python3-pytest libopenblas0-pthread) ;;
    bench) pkgs+=(zip) ;;
    *) echo "unknown group: $group" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "installing missing Debian packages: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
