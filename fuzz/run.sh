#!/usr/bin/env bash
# Runs every libFuzzer target for a bounded time from its committed seed corpus, with AddressSanitizer
# and UndefinedBehaviorSanitizer (the `sanitize` preset, clang-14). New inputs go to a scratch corpus,
# not into the repository; a crash leaves its input in build-sanitize/fuzz-findings/ and fails the run.
# Usage: bash fuzz/run.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j"$(nproc)" --target decode_fuzz tiff_fuzz model_card_fuzz labels_csv_fuzz
findings=build-sanitize/fuzz-findings
mkdir -p "$findings"
for target in decode_fuzz tiff_fuzz model_card_fuzz labels_csv_fuzz; do
  scratch="build-sanitize/fuzz-corpus/$target"
  mkdir -p "$scratch"
  echo "== $target: $seconds s"
  # -rss_limit_mb: the decoder may legitimately use a few hundred MB on a large (valid) header.
  build-sanitize/fuzz/$target -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 -timeout=30 \
    -artifact_prefix="$findings/$target-" -print_final_stats=1 "$scratch" "fuzz/corpus/$target" 2>&1 |
    grep -E "INITED|DONE|stat::|ERROR|SUMMARY|Test unit written" || true
  if ls "$findings/$target-"* >/dev/null 2>&1; then
    echo "fuzz/run.sh: $target found a failing input: $(ls "$findings/$target-"*)" >&2
    exit 1
  fi
done
