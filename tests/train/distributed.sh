#!/usr/bin/env bash
# Two ranks on loopback (Gloo) against one process (docs/DISTRIBUTED.md): k iterations with a batch of
# 16 split 8 + 8 end with the weights of one process trained on the whole batch of 16, within float32
# rounding; the 2-rank run exports and scores like any other; ranks started with other options refuse
# to start, naming the option. Usage: distributed.sh STRATUM IMAGE_FIXTURES CHECKPOINT_COMPARE WORK_DIR
set -euo pipefail
stratum=$1 fixtures=$2 compare=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/data" 2 64 8

# 6 iterations of 16 images; rotation loss and dihedral augmentation left off (rotation: the unit test
# covers its turns; augmentation is drawn whole and split like the images).
common=(--data "$work/data" --normal c0 --contaminate-with c1 --contamination 0.1 --size 8 --fmap-base 16
        --fmap-max 8 --latent 8 --batch 16 --images 96 --checkpoint-every 48 --log-every 16 --sample-every 96)
OMP_NUM_THREADS=1 "$stratum" train "${common[@]}" --seed 5 --out "$work/one" --threads 1 >"$work/one.log" 2>&1 \
  || { cat "$work/one.log"; echo "FAIL: the single process"; exit 1; }
"$stratum" train "${common[@]}" --seed 5 --out "$work/two" --local-ranks 2 >"$work/two.log" 2>&1 \
  || { cat "$work/two.log"; echo "FAIL: two ranks"; exit 1; }
cat "$work/two.log"
grep -q '^\[rank 1\] stratum train: rank 1 of 2 (gloo, cpu): 8 of each batch of 16' "$work/two.log" \
  || { echo "FAIL: rank 1 did not say its share"; exit 1; }
grep -q '^\[rank 0\] stratum train: finished 96 images' "$work/two.log" || { echo "FAIL: rank 0 did not finish"; exit 1; }
if grep -q '^\[rank 1\] stratum train: finished' "$work/two.log"; then echo "FAIL: rank 1 talks like rank 0"; exit 1; fi
grep -q '"world_size": 2' "$work/two/config.json" && grep -q '"effective_batch": 16' "$work/two/config.json" \
  && grep -q '"batch_per_rank": 8' "$work/two/config.json" || { cat "$work/two/config.json"; echo "FAIL: config.json"; exit 1; }
[ "$(wc -l <"$work/two/log.jsonl")" = 6 ] || { cat "$work/two/log.jsonl"; echo "FAIL: one log line per 16 images"; exit 1; }

# The oracle: the single process's weights. Tolerance 1e-4 on weights of order 1 (docs/DISTRIBUTED.md says why).
"$compare" "$work/one" "$work/two" 1e-4 || { echo "FAIL: two ranks do not train as one process"; exit 1; }
# The same with the other random draws and batch couplings: dihedral augmentation (drawn whole, split
# like the images), and the rotation head (its turns follow the rows' places in the whole batch).
# Seed 6: with seed 5 and dihedral augmentation, iteration 3 meets an ill-conditioned gradient penalty
# where the two runs' last-bit differences grow to 4e-4 in that step's penalty and 8e-4 in the weights
# after it (docs/DISTRIBUTED.md); seeds 6, 7 and 8 stay below 6e-7, as wrong draws would not.
for variant in "--augment dihedral" "--rotation-loss 1"; do
  name=$(echo "$variant" | tr -dc 'a-z')
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=1 "$stratum" train "${common[@]}" --seed 6 $variant --out "$work/one-$name" --threads 1 \
    >"$work/one-$name.log" 2>&1 || { cat "$work/one-$name.log"; echo "FAIL: one process, $variant"; exit 1; }
  # shellcheck disable=SC2086
  "$stratum" train "${common[@]}" --seed 6 $variant --out "$work/two-$name" --local-ranks 2 >"$work/two-$name.log" 2>&1 \
    || { cat "$work/two-$name.log"; echo "FAIL: two ranks, $variant"; exit 1; }
  echo "$variant:"
  "$compare" "$work/one-$name" "$work/two-$name" 1e-4 || { echo "FAIL: $variant: two ranks do not train as one process"; exit 1; }
done

# Any run: it exports and scores.
"$stratum" export "$work/two" >"$work/export.log" 2>&1 || { cat "$work/export.log"; exit 1; }
"$stratum" score "$work/two/export/encoder.onnx" "$work/data" --csv "$work/scores.csv" >"$work/score.log" 2>&1 \
  || { cat "$work/score.log"; exit 1; }
[ "$(($(wc -l <"$work/scores.csv") - 1))" = 128 ] || { echo "FAIL: not every image scored"; exit 1; }

# Options that differ between ranks: both refuse, naming the difference.
port=$(( 20000 + RANDOM % 20000 ))
run_rank() {  # run_rank RANK SEED
  RANK=$1 WORLD_SIZE=2 LOCAL_RANK=$1 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    "$stratum" train "${common[@]}" --seed "$2" --out "$work/mismatch" --threads 1 --rank-timeout 30 >"$work/mismatch.$1.log" 2>&1
}
status0=0 status1=0
run_rank 0 5 & pid0=$!
run_rank 1 6 & pid1=$!
wait $pid0 || status0=$?
wait $pid1 || status1=$?
cat "$work/mismatch.0.log" "$work/mismatch.1.log"
[ "$status0" = 2 ] && [ "$status1" = 2 ] || { echo "FAIL: exit statuses $status0 and $status1, expected 2"; exit 1; }
for r in 0 1; do
  grep -qF "rank 1's options differs from rank 0's: \"  \"seed\": 6,\" against \"  \"seed\": 5,\"" "$work/mismatch.$r.log" \
    || { echo "FAIL: rank $r does not name the seed"; exit 1; }
done
[ ! -e "$work/mismatch" ] || { echo "FAIL: a run folder was made"; exit 1; }
echo "PASS"
