#!/usr/bin/env bash
# A tiny study end to end: every cell trains, is evaluated along the way and at the end, and a second
# invocation skips the finished cells; a width with the recipe options (dihedral augmentation and the
# encoder phase on real images) runs its extra phase; SIGTERM stops a study with a checkpoint.
# With STRATUM_TORCH_FREE (the command built without libtorch), its report must be the same.
# Usage: study.sh STRATUM IMAGE_FIXTURES WORK_DIR [STRATUM_TORCH_FREE]
set -euo pipefail
stratum=$1 fixtures=$2 work=$3 torch_free=${4:-}
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/train" 2 48 8
"$fixtures" folder "$work/test" 2 24 8 5000
cat >"$work/spec.json" <<SPEC
{ "name": "tiny", "dataset_label": "synthetic (test fixture)",
  "train_data": "$work/train", "test_data": "$work/test",
  "protocol": "one_class_normal", "classes": ["c0"], "all_classes": ["c0", "c1"],
  "contamination": [0, 0.1], "seeds": [1], "size": 8, "batch": 8,
  "widths": [{"name": "w8", "fmap_base": 16, "fmap_max": 8, "latent": 8},
             {"name": "w8r", "fmap_base": 16, "fmap_max": 8, "latent": 8, "augment": "dihedral", "encoder_images": 48}],
  "images": 96, "eval_every": 48 }
SPEC
"$stratum" study "$work/spec.json" --out "$work/out" --threads 1 >"$work/first.log" 2>&1 || { cat "$work/first.log"; exit 1; }
for cell in c0_p0.00_s1_w8 c0_p0.10_s1_w8; do
  result="$work/out/cells/$cell/result.json"
  [ -f "$result" ] || { echo "FAIL: no $result"; cat "$work/first.log"; exit 1; }
  grep -q '"images": 48' "$result" || { echo "FAIL: $cell has no evaluation at 48 images"; exit 1; }
  grep -q '"images": 96' "$result" || { echo "FAIL: $cell has no evaluation at 96 images"; exit 1; }
  for score in norm norm_deviation reconstruction feature combined pca_pixels brightness colour feature_max \
               critic_gaussian critic_knn encoder_gaussian untrained_colour pixel_colour; do
    grep -q "\"name\": \"$score\"" "$result" || { echo "FAIL: $cell lacks the $score score"; exit 1; }
  done
done
# The recipe width: 96 GAN images, then 48 of the encoder phase, evaluated at 144; the options recorded.
for cell in c0_p0.00_s1_w8r c0_p0.10_s1_w8r; do
  result="$work/out/cells/$cell/result.json"
  [ -f "$result" ] || { echo "FAIL: no $result"; cat "$work/first.log"; exit 1; }
  grep -q '"images": 144' "$result" || { echo "FAIL: $cell has no evaluation after the encoder phase"; exit 1; }
  grep -q '"augment": "dihedral"' "$work/out/cells/$cell/run/config.json" || { echo "FAIL: $cell: augment not recorded"; exit 1; }
  grep -q '"encoder_images": 48' "$work/out/cells/$cell/run/config.json" || { echo "FAIL: $cell: encoder phase not recorded"; exit 1; }
  # log lines after 96 images come from the encoder phase: no critic or generator loss.
  grep '"images":144' "$work/out/cells/$cell/run/log.jsonl" | grep -q '"d_loss":0.0' || { echo "FAIL: $cell: no encoder-phase log line"; exit 1; }
done
grep -q '"contamination": 0.1' "$work/out/cells/c0_p0.10_s1_w8/result.json" || { echo "FAIL: contamination not recorded"; exit 1; }
grep -q $'\tcontamination$' "$work/out/cells/c0_p0.10_s1_w8/run/training_set.tsv" || { echo "FAIL: no contamination used"; exit 1; }
"$stratum" study "$work/spec.json" --out "$work/out" --threads 1 >"$work/second.log" 2>&1
if grep -q "=== study" "$work/second.log"; then echo "FAIL: finished cells ran again"; cat "$work/second.log"; exit 1; fi
grep -q "4 cells finished" "$work/second.log" || { echo "FAIL: second run did not report both cells finished"; exit 1; }
# A dry run of a study not yet started lists its cells and writes nothing.
"$stratum" study "$work/spec.json" --out "$work/not-started" --dry-run | grep -c '^todo' | grep -qx 4 || { echo "FAIL: dry run of a new study"; exit 1; }
[ ! -e "$work/not-started" ] || { echo "FAIL: a dry run created $work/not-started"; exit 1; }
"$stratum" study "$work/spec.json" --out "$work/out" --dry-run | grep -c '^done' | grep -qx 4 || { echo "FAIL: dry run"; exit 1; }
# The report: a table row per cell and the plots.
"$stratum" report "$work/out" --out "$work/report" >"$work/report.log" 2>&1 || { cat "$work/report.log"; exit 1; }
grep -q '^| c0 | w8 | 0.1 |' "$work/report/tables.md" || { echo "FAIL: no table row for c0 at 0.1"; cat "$work/report/tables.md"; exit 1; }
for png in tiny_w8_contamination.png tiny_w8_training.png tiny_c0_p0.00_s1_w8_roc.png tiny_c0_p0.00_s1_w8_norm_hist.png; do
  [ -s "$work/report/$png" ] || { echo "FAIL: $png was not drawn"; exit 1; }
done
if [ -n "$torch_free" ]; then
  "$torch_free" report "$work/out" --out "$work/report-torch-free" >"$work/report-torch-free.log" 2>&1 ||
    { cat "$work/report-torch-free.log"; exit 1; }
  cmp "$work/report/tables.md" "$work/report-torch-free/tables.md" || { echo "FAIL: the torch-free report differs"; exit 1; }
  cmp "$work/report.log" "$work/report-torch-free.log" || { echo "FAIL: the torch-free report printed otherwise"; exit 1; }
fi
# SIGTERM during a cell: the run writes its checkpoint and the whole study stops (it used to go on to
# the next evaluation point and cell); the same command then continues.
sed -e 's/"images": 96, "eval_every": 48/"images": 200000, "eval_every": 100000/' -e 's/"name": "tiny"/"name": "long"/' \
  "$work/spec.json" >"$work/long.json"
"$stratum" study "$work/long.json" --out "$work/long" --threads 1 >"$work/long.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "img/s" "$work/long.log" && break; sleep 0.2; done
kill -TERM $pid
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.2; done
if kill -0 $pid 2>/dev/null; then kill -9 $pid; echo "FAIL: the study went on after SIGTERM"; cat "$work/long.log"; exit 1; fi
status=0; wait $pid || status=$?
[ $status = 130 ] || { echo "FAIL: a stopped study exits $status, not 130"; exit 1; }
grep -q "stratum study: stopped" "$work/long.log" || { echo "FAIL: no stop message"; cat "$work/long.log"; exit 1; }
[ "$(grep -c '=== study' "$work/long.log")" = 1 ] || { echo "FAIL: a second cell started after SIGTERM"; exit 1; }
[ -f "$work/long/cells/c0_p0.00_s1_w8/run/checkpoint.pt" ] || { echo "FAIL: no checkpoint after SIGTERM"; exit 1; }
echo PASS
