#!/usr/bin/env bash
# The CPU study (reduced budget, see docs/RESULTS.md): every spec in turn, resumable. Run it again
# after any stop; finished cells are skipped. Usage: studies/run-cpu.sh [--threads N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/data.sh
export OMP_WAIT_POLICY=PASSIVE
# PBC first: its cells give the page's blood-cell default model; the second width before the
# one-class-anomalous protocol, so that both widths are measured early.
for spec in pbc-cpu cifar10-ocn-cpu width-cpu cifar10-oca-cpu; do
  nice -n 10 build/stratum study "studies/$spec.json" "$@"
done
