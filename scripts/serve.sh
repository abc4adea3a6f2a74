#!/usr/bin/env bash
# Installs what the page needs (as root), builds it, and serves it on 127.0.0.1 with the headers
# it needs (COOP/COEP for threads, CSP). Options after the first are passed to web/serve.mjs,
# e.g. scripts/serve.sh --port 9000.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh --no-torch
export NODE_PATH=/usr/share/nodejs
cmake --preset web >/dev/null
cmake --build --preset web
exec node web/serve.mjs build-web/site "$@"
