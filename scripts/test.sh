#!/usr/bin/env bash
# Installs what is needed (as root), builds both presets and runs every test:
# the core natively and as wasm under node, the fixture checks, and the page in headless chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs OMP_WAIT_POLICY=PASSIVE
cmake --preset native
cmake --build --preset native
cmake --preset web
cmake --build --preset web
ctest --preset web
ctest --preset native
