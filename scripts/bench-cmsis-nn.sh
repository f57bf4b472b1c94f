#!/bin/sh
# ARM CMSIS-NN's LSTM kernels (arm_lstm_unidirectional_s8 and _s16) on seqforge's reference model
# sizes, built from a CMSIS-NN checkout you provide and run with seqforge's QEMU harness on
# cortex-m4 and cortex-m55; writes bench/cmsis-nn.json and bench/cmsis-nn.md (the figures beside
# seqforge's in bench/results.md and the README). Not part of `make bench` or `make test`:
# CMSIS-NN is not in a package registry.
#
#   git clone https://github.com/ARM-software/CMSIS-NN /path/to/CMSIS-NN
#   scripts/bench-cmsis-nn.sh /path/to/CMSIS-NN [--targets cortex-m4,cortex-m55] [--out bench]
# (--out is relative to the repository.)
set -eu
if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: scripts/bench-cmsis-nn.sh CMSIS_NN_DIR [--targets a,b] [--out DIR]" >&2
  exit 2
fi
# The checkout's path as given, before moving to the repository (where --out is taken from).
dir=$(cd "$1" 2>/dev/null && pwd) || { echo "$1: not a folder; a CMSIS-NN checkout expected" >&2; exit 2; }
shift
cd "$(dirname "$0")/.."
make --no-print-directory scripts >&2
exec node build/scripts/bench-cmsis-nn.js --cmsis-nn "$dir" "$@"
