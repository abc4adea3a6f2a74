#!/usr/bin/env bash
# Every benchmark in one run on this machine: prints a table and writes bench/out/results.json
# (docs/PERFORMANCE.md explains each figure). Installs what it needs (scripts/setup.sh, Debian's
# python3-torch for the PyTorch reference, onnxruntime-node into bench/node_modules) and builds.
# Usage: bash bench/run.sh [--skip-setup] [--paper-batch N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
skip_setup=0
paper_batch=2  # the paper preset at its own batch takes minutes per iteration on a small CPU; per-image cost hardly depends on the batch
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-setup) skip_setup=1 ;;
    --paper-batch) paper_batch="$2"; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
start=$(date +%s)
# Each stage says when it began, so that a slow run shows where its time went.
stage() { echo "== $* (at $(( $(date +%s) - start )) s)"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ $skip_setup = 0 ]; then
  bash scripts/setup.sh
  /usr/bin/python3 -c 'import torch' 2>/dev/null || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch
  # The CPU build of onnxruntime-node ships in its npm package; its installer would fetch CUDA files.
  [ -d bench/node_modules/onnxruntime-node ] || (cd bench && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund)
fi
out=bench/out
site=build-web/site
mkdir -p "$out/parts"
rm -f "$out"/parts/*.json
cores=$(nproc)
export OMP_WAIT_POLICY=PASSIVE

stage "build"
# Only what the benchmarks run: the native tools, and the page's two modules and site files (not the
# core's wasm tests).
jobs=$(nproc)
cmake --preset native >/dev/null && cmake --build --preset native -j"$jobs" --target stratum stratum_bench image_fixtures
cmake --preset web >/dev/null && cmake --build --preset web -j"$jobs" --target stratum_web stratum_decode site_files

stage "inputs"
inputs="$site/bench-inputs"
[ -d "$inputs/png1000/c0" ] || build/tests/fixtures/image_fixtures folder "$inputs/png1000" 1 1000 32
[ -d "$inputs/png10000/c0" ] || build/tests/fixtures/image_fixtures folder "$inputs/png10000" 1 10000 32
[ -d "$inputs/photos100" ] || build/tests/fixtures/image_fixtures photos "$inputs/photos100" 100 3000 2000
model_file=$(node -e "console.log(JSON.parse(require('fs').readFileSync('$site/models/default.json','utf8')).model_file)")
model="$site/models/$model_file"  # its card sits beside it under the same name

stage "matrix multiply and FLOPs"
build/stratum_bench --threads 1 gemm > "$out/parts/gemm_1.json"
build/stratum_bench --threads "$cores" gemm > "$out/parts/gemm_all.json"
for preset in small paper; do
  for size in 32 64; do
    build/stratum_bench flops --preset $preset --size $size > "$out/parts/flops_${preset}_${size}.json"
  done
done

stage "training: C++ (libtorch) and the PyTorch reference, $cores threads"
# The two share libtorch's kernels, so their difference is small next to this machine's run-to-run
# noise: the small preset runs 3 alternating rounds of each and the table takes the median round.
for preset in small paper; do
  for size in 32 64; do
    batch=64; iterations=4; rounds=3
    if [ $preset = paper ]; then batch=$paper_batch; iterations=1; rounds=1; fi
    for round in $(seq $rounds); do
      build/stratum_bench --threads "$cores" train --preset $preset --size $size --batch "$batch" --iterations $iterations \
        > "$out/parts/train_cpp_${preset}_${size}_r$round.json"
      /usr/bin/python3 bench/train_reference.py --preset $preset --size $size --batch "$batch" --iterations $iterations \
        --threads "$cores" > "$out/parts/train_py_${preset}_${size}_r$round.json"
    done
    echo "  $preset ${size}px done"
  done
done

stage "encoder only: libtorch, onnxruntime-node, onnxruntime-web (node)"
for threads in 1 "$cores"; do
  for batch in 1 32; do
    build/stratum_bench --threads "$threads" encoder "$model" --batch $batch > "$out/parts/encoder_libtorch_${threads}_${batch}.json"
  done
done
NODE_PATH="$PWD/node_modules" node bench/encoder_node.mjs "$model" "$out/parts/encoder_node.json"

stage "command line, end to end: stratum score on 1000 PNGs and 100 photos"
for set in png1000/c0 photos100; do
  t0=$(date +%s.%N)
  build/stratum score "$model" "$inputs/$set" --csv - > /dev/null
  t1=$(date +%s.%N)
  node -e "console.log(JSON.stringify({set: '$set', files: $(ls "$inputs/$set" | wc -l), seconds: $t1 - $t0}))" \
    > "$out/parts/score_cli_${set%%/*}.json"
done

stage "page (headless chromium)"
node bench/page.mjs "$site" "$out/parts/page.json" --encoder \
  --e2e png1000="$inputs/png1000/c0":3 --e2e photos100="$inputs/photos100" --e2e png10000="$inputs/png10000/c0"

node bench/table.mjs "$out" "$(( $(date +%s) - start ))"
