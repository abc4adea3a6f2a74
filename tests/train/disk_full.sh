#!/usr/bin/env bash
# A full disk mid-run (a small tmpfs in a private mount namespace): the trainer stops with a clear
# message, leaves no temporary file, keeps the last checkpoint whole (sha256sum -c), and the run
# resumes and finishes once there is space again. Usage: disk_full.sh STRATUM IMAGE_FIXTURES WORK_DIR
set -euo pipefail
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work/disk"
"$fixtures" folder "$work/data" 2 64 8
# Root mounts in a private namespace; anyone else in a user namespace where they are root.
namespace=(unshare --mount --propagation private)
[ "$(id -u)" = 0 ] || namespace=(unshare --user --map-root-user --mount --propagation private)
"${namespace[@]}" bash -euo pipefail -c '
stratum=$1 work=$2
mount -t tmpfs -o size=4m stratum-test "$work/disk"
run="$work/disk/run"
"$stratum" train --data "$work/data" --normal c0 --out "$run" --size 8 --fmap-base 16 --fmap-max 8 --latent 8 \
  --batch 8 --images 40000 --checkpoint-every 400 --log-every 40000 --sample-every 40000 --threads 1 \
  >"$work/train.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$run/checkpoint.sha256" ] && break
  kill -0 $pid 2>/dev/null || { cat "$work/train.log"; echo "FAIL: the run ended early"; exit 1; }
  sleep 0.1
done
sleep 1
cat /dev/zero >"$work/disk/filler" 2>/dev/null || true   # the disk is now full
status=0
wait $pid || status=$?
cat "$work/train.log"
[ $status -ne 0 ] || { echo "FAIL: the run finished on a full disk"; exit 1; }
grep -q "disk full" "$work/train.log" || { echo "FAIL: the message does not say the disk is full"; exit 1; }
grep -q "previous checkpoint is kept" "$work/train.log" || { echo "FAIL: the message does not say what was kept"; exit 1; }
ls "$run"/*.tmp "$run"/*.next 2>/dev/null && { echo "FAIL: temporary files left on the full disk"; exit 1; }
(cd "$run" && sha256sum -c checkpoint.sha256) || { echo "FAIL: the kept checkpoint is not whole"; exit 1; }
rm "$work/disk/filler"
"$stratum" train --resume "$run" --threads 1 >"$work/resume.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q "resuming at" "$work/resume.log" && break; kill -0 $pid 2>/dev/null || break; sleep 0.1; done
sleep 0.5
kill -INT $pid 2>/dev/null || true   # Ctrl+C: a checkpoint, then a clean stop
wait $pid || { cat "$work/resume.log"; echo "FAIL: the resumed run failed"; exit 1; }
grep -q "resuming at" "$work/resume.log" || { cat "$work/resume.log"; echo "FAIL: the kept checkpoint did not resume"; exit 1; }
(cd "$run" && sha256sum -c --quiet checkpoint.sha256) || { echo "FAIL: checkpoint after the resume"; exit 1; }
"$stratum" export "$run" >"$work/export.log" 2>&1 || { cat "$work/export.log"; echo "FAIL: export after resume"; exit 1; }
echo PASS
' bash "$stratum" "$work"
