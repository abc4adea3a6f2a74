#!/usr/bin/env bash
# A run whose losses blow up (absurd learning rate) stops with a clear message, exit status 2, and
# keeps its last good checkpoint, which still loads. Usage: diverge.sh STRATUM IMAGE_FIXTURES WORK_DIR
set -euo pipefail
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/data" 1 32 8
status=0
"$stratum" train --data "$work/data" --out "$work/run" --size 8 --fmap-base 16 --fmap-max 8 --latent 8 --batch 8 \
  --threads 1 --images 4000 --checkpoint-every 8 --log-every 8 --lr 1e12 >"$work/train.log" 2>&1 || status=$?
cat "$work/train.log"
[ "$status" = 2 ] || { echo "FAIL: expected exit status 2, got $status"; exit 1; }
grep -q "training diverged at" "$work/train.log" || { echo "FAIL: no divergence message"; exit 1; }
grep -q "last good checkpoint is kept" "$work/train.log" || { echo "FAIL: the message does not name the checkpoint"; exit 1; }
[ -f "$work/run/checkpoint.pt" ] || { echo "FAIL: no checkpoint kept"; exit 1; }
"$stratum" export "$work/run" >"$work/export.log" 2>&1 || { cat "$work/export.log"; echo "FAIL: kept checkpoint unreadable"; exit 1; }
echo "PASS"
