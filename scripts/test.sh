#!/usr/bin/env bash
# Installs what is needed (as root), builds both presets and runs every test: the core natively and
# as wasm under node, the fixture checks, and the page in headless chromium; then the hardening stage:
# the native suite again built with ASan + UBSan (clang-14), and each fuzzer for a bounded time.
# Usage: scripts/test.sh [--no-hardening] [--fuzz-seconds N]   (default 60 per fuzzer)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
hardening=1 fuzz_seconds=60
while [ $# -gt 0 ]; do
  case "$1" in
    --no-hardening) hardening=0 ;;
    --fuzz-seconds) fuzz_seconds=$2; shift ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs OMP_WAIT_POLICY=PASSIVE
cmake --preset native
cmake --build --preset native
cmake --preset web
cmake --build --preset web
ctest --preset web
ctest --preset native
if [ $hardening = 1 ]; then
  # The browser tests are not repeated here: they run the page, which no native sanitizer reaches.
  cmake --preset sanitize
  cmake --build --preset sanitize
  ctest --preset sanitize
  bash fuzz/run.sh "$fuzz_seconds"
fi
