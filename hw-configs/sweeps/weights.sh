#!/bin/sh
# Weight width x update rounding on 784-100-10: where deterministic rounding stops learning and
# stochastic rounding carries on. 13 widths (s1.3 ... s1.15 = 4 ... 16 bits) x 2 roundings = 26
# points, each one epoch on the first TRAIN training images and a test on the first TEST test
# images (defaults: all of data/mnist), plus the float golden model on the same images (--float).
# Committed result: results/sweep-weights/ (README, "Sweeps").
#
#   sh hw-configs/sweeps/weights.sh                      # all cores, resumable (run it again)
#   TRAIN=10000 OUT=runs/sweep-weights-10k sh hw-configs/sweeps/weights.sh
#   sh hw-configs/sweeps/weights.sh --shard 0/3          # extra arguments go to eqspike sweep
#   WEIGHTS=s1.7,s1.11 TRAIN=20 TEST=20 OUT=runs/w-small sh hw-configs/sweeps/weights.sh   # a small grid (tests, demos)
set -e
B=${EQSPIKE:-.build/release/eqspike}
OUT=${OUT:-results/sweep-weights}
TRAIN=${TRAIN:-60000}
TEST=${TEST:-10000}
WEIGHTS=${WEIGHTS:-s1.3,s1.4,s1.5,s1.6,s1.7,s1.8,s1.9,s1.10,s1.11,s1.12,s1.13,s1.14,s1.15}
exec "$B" sweep hw-configs/eqspike-784-100-10.net \
    --set weight="$WEIGHTS" \
    --set w_rounding=nearest,stochastic \
    --epochs 1 --train-limit "$TRAIN" --test-limit "$TEST" --float --out "$OUT" "$@"
