#!/usr/bin/env bash
# SIGKILL at random points of a short run, several times over: after every kill the checkpoint on
# disk is the one whose SHA-256 the trainer recorded (never a torn file), each resume goes on from it,
# the run finishes on its schedule with one log line per logged step, and a damaged checkpoint is
# refused; a file in the data folder that is not an image is skipped and listed.
# Usage: kill_random.sh STRATUM IMAGE_FIXTURES WORK_DIR   (STRATUM_KILL_SEED repeats a run)
set -euo pipefail
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/data" 2 64 8
echo "not an image" >"$work/data/c0/broken.png"  # skipped and listed, the run goes on
seed=${STRATUM_KILL_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
echo "kill points drawn from seed $seed (STRATUM_KILL_SEED=$seed repeats them)"

total=6000 every=200 run="$work/run"
train_args=(--threads 1)
start() {
  if [ -f "$run/config.json" ]; then
    "$stratum" train --resume "$run" "${train_args[@]}" >>"$work/train.log" 2>&1 &
  else
    "$stratum" train --data "$work/data" --normal c0 --contaminate-with c1 --contamination 0.1 --out "$run" \
      --size 8 --fmap-base 16 --fmap-max 8 --latent 8 --batch 8 --images $total --checkpoint-every $every \
      --log-every 40 --sample-every 6000 "${train_args[@]}" >>"$work/train.log" 2>&1 &
  fi
  pid=$!
}
checkpoint_is_whole() {
  [ -f "$run/checkpoint.pt" ] || return 0  # killed before the first checkpoint: nothing to check yet
  local actual recorded pending
  actual=$(sha256sum "$run/checkpoint.pt" | cut -c1-64)
  recorded=$(cut -c1-64 "$run/checkpoint.sha256" 2>/dev/null || true)
  pending=$(cut -c1-64 "$run/checkpoint.sha256.next" 2>/dev/null || true)
  # .next holds the sum of a checkpoint renamed into place just before the kill; the loader completes it.
  [ "$actual" = "$recorded" ] || [ "$actual" = "$pending" ] || {
    echo "FAIL: checkpoint.pt ($actual) matches neither recorded sum ('$recorded', '$pending')"; exit 1; }
}

kills=0
start
for round in $(seq 1 8); do
  sleep "$(( RANDOM % 3 )).$(printf %03d $(( RANDOM % 1000 )))"
  kill -0 $pid 2>/dev/null || break
  kill -9 $pid
  wait $pid 2>/dev/null || true
  kills=$((kills + 1))
  checkpoint_is_whole
  at=$( { sed -n 's/.*"images":\([0-9]*\).*/\1/p' "$run/log.jsonl" 2>/dev/null || true; } | tail -n 1)
  echo "kill $kills: after ${at:-0} images logged"
  start
done
wait $pid || { tail -n 20 "$work/train.log"; echo "FAIL: the last resume did not finish"; exit 1; }
[ $kills -ge 3 ] || { echo "FAIL: only $kills kills landed before the run finished (too short a run)"; exit 1; }
grep -q "finished $total images" "$work/train.log" || { echo "FAIL: the run did not finish"; exit 1; }
(cd "$run" && sha256sum -c --quiet checkpoint.sha256) || { echo "FAIL: the final checkpoint fails sha256sum -c"; exit 1; }

# The log: one line per logged step, in order, ending at the schedule's end (the trainer drops the
# lines a kill made it redo, and a line a kill cut short).
sed -n 's/.*"images":\([0-9]*\).*/\1/p' "$run/log.jsonl" >"$work/logged.txt"
[ "$(wc -l <"$work/logged.txt")" -eq "$(wc -l <"$run/log.jsonl")" ] || { echo "FAIL: a log line is not whole"; exit 1; }
sort -n -u -c "$work/logged.txt" || { echo "FAIL: log lines repeat or go backwards"; exit 1; }
[ "$(tail -n 1 "$work/logged.txt")" = "$total" ] || { echo "FAIL: the log does not end at $total"; exit 1; }
"$stratum" export "$run" >"$work/export.log" 2>&1 || { cat "$work/export.log"; exit 1; }
grep -q "c0/broken.png: " "$run/skipped.txt" || { echo "FAIL: the unreadable training file is not listed in skipped.txt"; exit 1; }
grep -q "skipped 1 unreadable files" "$work/train.log" || { echo "FAIL: the trainer did not say it skipped a file"; exit 1; }

# One flipped byte in the checkpoint: refused by name, not loaded.
cp -r "$run" "$work/damaged"
size=$(stat -c %s "$work/damaged/checkpoint.pt")
byte=$(od -An -tu1 -j $((size / 2)) -N1 "$work/damaged/checkpoint.pt" | tr -d ' ')
printf "\\$(printf %03o $((255 - byte)))" | dd of="$work/damaged/checkpoint.pt" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$run/checkpoint.pt" "$work/damaged/checkpoint.pt" && { echo "FAIL: the byte did not change"; exit 1; }
if "$stratum" export "$work/damaged" >"$work/damaged.log" 2>&1; then echo "FAIL: a damaged checkpoint was read"; exit 1; fi
grep -q "checkpoint.pt is damaged" "$work/damaged.log" || { cat "$work/damaged.log"; echo "FAIL: no clear message"; exit 1; }
echo "PASS: $kills kills, every checkpoint whole, the run finished at $total images"
