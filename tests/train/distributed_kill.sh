#!/usr/bin/env bash
# A rank killed mid-run (SIGKILL) makes the other stop with a message naming it, the launcher exits
# non-zero, and the run resumes from its last checkpoint with two ranks and finishes. Rank 0 killed:
# rank 1 names it. A rank that hangs (SIGSTOP) makes the other stop after --rank-timeout, naming it,
# and the launcher kills it.
# Usage: distributed_kill.sh STRATUM IMAGE_FIXTURES WORK_DIR
set -euo pipefail
source "$(dirname "$0")/run_progress.sh"
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/data" 2 64 8

total=6400
"$stratum" train --data "$work/data" --normal c0 --size 8 --fmap-base 16 --fmap-max 8 --latent 8 --batch 16 \
  --images $total --checkpoint-every 320 --log-every 32 --sample-every 6400 --out "$work/run" --local-ranks 2 \
  >"$work/first.log" 2>&1 &
launcher=$!
wait_for_images "$work/run" 800 $launcher "$work/first.log"
rank1=$(sed -n 's/^stratum train: rank 1 is process \([0-9]*\)$/\1/p' "$work/first.log")
[ -n "$rank1" ] || { cat "$work/first.log"; echo "FAIL: the launcher did not say rank 1's process"; exit 1; }
kill -9 "$rank1"
# The launcher ends once rank 0 has stopped by itself (it would kill it only after --rank-timeout + 30 s).
status=0
wait $launcher || status=$?
cat "$work/first.log"
[ "$status" != 0 ] || { echo "FAIL: the launcher exited 0"; exit 1; }
grep -q '^\[rank 0\] stratum: rank 0 stops: rank 1 is gone' "$work/first.log" \
  || { echo "FAIL: rank 0 did not stop naming rank 1"; exit 1; }
grep -q '^stratum train: rank 1 was killed by signal 9' "$work/first.log" || { echo "FAIL: the launcher did not name rank 1"; exit 1; }
if grep -q 'still runs' "$work/first.log"; then echo "FAIL: rank 0 had to be killed"; exit 1; fi

"$stratum" train --resume "$work/run" --local-ranks 2 >"$work/resume.log" 2>&1 || { cat "$work/resume.log"; exit 1; }
cat "$work/resume.log"
grep -q '^\[rank 0\] stratum train: resuming at [1-9][0-9]* images' "$work/resume.log" || { echo "FAIL: no resume"; exit 1; }
grep -q "^\[rank 0\] stratum train: finished $total images" "$work/resume.log" || { echo "FAIL: not finished"; exit 1; }
[ "$(last_logged "$work/run")" = "$total" ] || { echo "FAIL: the log does not end at $total images"; exit 1; }

# Rank 0 killed: the store it served goes with it, and rank 1 says so.
"$stratum" train --data "$work/data" --normal c0 --size 8 --fmap-base 16 --fmap-max 8 --latent 8 --batch 16 \
  --images $total --checkpoint-every 320 --log-every 32 --sample-every 6400 --out "$work/root" --local-ranks 2 \
  >"$work/root.log" 2>&1 &
launcher=$!
wait_for_images "$work/root" 1 $launcher "$work/root.log"
rank0=$(sed -n 's/^stratum train: rank 0 is process \([0-9]*\)$/\1/p' "$work/root.log")
kill -9 "$rank0"
status=0
wait $launcher || status=$?
cat "$work/root.log"
[ "$status" != 0 ] || { echo "FAIL: the launcher exited 0"; exit 1; }
grep -q '^\[rank 1\] stratum: rank 1 stops: rank 0 is gone (the run.s store at 127.0.0.1:[0-9]*, which rank 0 serves' \
  "$work/root.log" || { echo "FAIL: rank 1 did not name rank 0"; exit 1; }

# A hung rank: nothing closes its sockets, so only the timeout (5 s here) tells.
"$stratum" train --data "$work/data" --normal c0 --size 8 --fmap-base 16 --fmap-max 8 --latent 8 --batch 16 \
  --images $total --checkpoint-every 320 --log-every 32 --sample-every 6400 --out "$work/hung" --local-ranks 2 \
  --rank-timeout 5 >"$work/hung.log" 2>&1 &
launcher=$!
wait_for_images "$work/hung" 1 $launcher "$work/hung.log"
rank1=$(sed -n 's/^stratum train: rank 1 is process \([0-9]*\)$/\1/p' "$work/hung.log")
kill -STOP "$rank1"
status=0
wait $launcher || status=$?
cat "$work/hung.log"
[ "$status" != 0 ] || { echo "FAIL: the launcher exited 0"; exit 1; }
grep -q '^\[rank 0\] stratum: rank 0 stops: rank 1 is gone' "$work/hung.log" || { echo "FAIL: rank 0 did not name rank 1"; exit 1; }
grep -q '^stratum train: rank 1 still runs 35 s after rank 0 failed: killing it' "$work/hung.log" \
  || { echo "FAIL: the launcher did not kill the hung rank"; exit 1; }
echo "PASS"
