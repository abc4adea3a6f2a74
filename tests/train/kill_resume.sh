#!/usr/bin/env bash
# A run killed with SIGKILL mid-way resumes, finishes on its schedule, and loses at most one
# checkpoint interval. Usage: kill_resume.sh STRATUM IMAGE_FIXTURES WORK_DIR
set -euo pipefail
source "$(dirname "$0")/run_progress.sh"
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/data" 2 64 8

every=400 total=4000
"$stratum" train --data "$work/data" --normal c0 --contaminate-with c1 --contamination 0.1 --out "$work/run" \
  --size 8 --fmap-base 16 --fmap-max 8 --latent 8 --batch 8 --threads 1 \
  --images $total --checkpoint-every $every --log-every 40 --sample-every 2000 >"$work/first.log" 2>&1 &
pid=$!

wait_for_images "$work/run" 1500 $pid "$work/first.log"
kill -9 $pid
wait $pid 2>/dev/null || true
killed_at=$(last_logged "$work/run")
[ -n "$killed_at" ] && [ "$killed_at" -lt $total ] || { echo "FAIL: nothing to resume (killed at '$killed_at')"; exit 1; }
ls "$work/run"/*.tmp 2>/dev/null && echo "note: a temporary file was left by the kill (expected to be ignored)"

"$stratum" train --resume "$work/run" --threads 1 >"$work/resume.log" 2>&1 || { cat "$work/resume.log"; exit 1; }
resumed_at=$(sed -n 's/.*resuming at \([0-9]*\) images.*/\1/p' "$work/resume.log")
[ -n "$resumed_at" ] || { echo "FAIL: the resumed run did not say where it resumed"; cat "$work/resume.log"; exit 1; }
lost=$((killed_at - resumed_at))
echo "killed after $killed_at images (last log line), resumed at $resumed_at: lost $lost images (interval $every)"
[ "$lost" -ge 0 ] && [ "$lost" -le $every ] || { echo "FAIL: lost more than one checkpoint interval"; exit 1; }
grep -q "finished $total images" "$work/resume.log" || { echo "FAIL: the resumed run did not finish"; exit 1; }
[ "$(last_logged "$work/run")" = "$total" ] || { echo "FAIL: the log does not end at $total images"; exit 1; }

# The final checkpoint is whole: export reads it and writes a valid card.
"$stratum" export "$work/run" >"$work/export.log" 2>&1 || { cat "$work/export.log"; exit 1; }
grep -q '"images_seen": '$total "$work/run/export/encoder.json" || { echo "FAIL: export did not see $total images"; exit 1; }
echo "PASS"
