#!/usr/bin/env bash
# A tiny study end to end: every cell trains, is evaluated along the way and at the end, and a second
# invocation skips the finished cells. Usage: study.sh STRATUM IMAGE_FIXTURES WORK_DIR
set -euo pipefail
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/train" 2 48 8
"$fixtures" folder "$work/test" 2 24 8 5000
cat >"$work/spec.json" <<SPEC
{ "name": "tiny", "dataset_label": "synthetic (test fixture)",
  "train_data": "$work/train", "test_data": "$work/test",
  "protocol": "one_class_normal", "classes": ["c0"], "all_classes": ["c0", "c1"],
  "contamination": [0, 0.1], "seeds": [1], "size": 8, "batch": 8,
  "widths": [{"name": "w8", "fmap_base": 16, "fmap_max": 8, "latent": 8}],
  "images": 96, "eval_every": 48 }
SPEC
"$stratum" study "$work/spec.json" --out "$work/out" --threads 1 >"$work/first.log" 2>&1 || { cat "$work/first.log"; exit 1; }
for cell in c0_p0.00_s1_w8 c0_p0.10_s1_w8; do
  result="$work/out/cells/$cell/result.json"
  [ -f "$result" ] || { echo "FAIL: no $result"; cat "$work/first.log"; exit 1; }
  grep -q '"images": 48' "$result" || { echo "FAIL: $cell has no evaluation at 48 images"; exit 1; }
  grep -q '"images": 96' "$result" || { echo "FAIL: $cell has no evaluation at 96 images"; exit 1; }
  for score in norm norm_deviation reconstruction feature combined pca_pixels brightness; do
    grep -q "\"name\": \"$score\"" "$result" || { echo "FAIL: $cell lacks the $score score"; exit 1; }
  done
done
grep -q '"contamination": 0.1' "$work/out/cells/c0_p0.10_s1_w8/result.json" || { echo "FAIL: contamination not recorded"; exit 1; }
grep -q $'\tcontamination$' "$work/out/cells/c0_p0.10_s1_w8/run/training_set.tsv" || { echo "FAIL: no contamination used"; exit 1; }
"$stratum" study "$work/spec.json" --out "$work/out" --threads 1 >"$work/second.log" 2>&1
if grep -q "=== study" "$work/second.log"; then echo "FAIL: finished cells ran again"; cat "$work/second.log"; exit 1; fi
grep -q "2 cells finished" "$work/second.log" || { echo "FAIL: second run did not report both cells finished"; exit 1; }
# A dry run of a study not yet started lists its cells and writes nothing.
"$stratum" study "$work/spec.json" --out "$work/not-started" --dry-run | grep -c '^todo' | grep -qx 2 || { echo "FAIL: dry run of a new study"; exit 1; }
[ ! -e "$work/not-started" ] || { echo "FAIL: a dry run created $work/not-started"; exit 1; }
"$stratum" study "$work/spec.json" --out "$work/out" --dry-run | grep -c '^done' | grep -qx 2 || { echo "FAIL: dry run"; exit 1; }
# The report: a table row per cell and the plots.
"$stratum" report "$work/out" --out "$work/report" >"$work/report.log" 2>&1 || { cat "$work/report.log"; exit 1; }
grep -q '^| c0 | w8 | 0.1 |' "$work/report/tables.md" || { echo "FAIL: no table row for c0 at 0.1"; cat "$work/report/tables.md"; exit 1; }
for png in tiny_w8_contamination.png tiny_w8_training.png tiny_c0_p0.00_s1_w8_roc.png tiny_c0_p0.00_s1_w8_norm_hist.png; do
  [ -s "$work/report/$png" ] || { echo "FAIL: $png was not drawn"; exit 1; }
done
echo PASS
