#!/usr/bin/env bash
# Extracts the shared data sets into data/ (ignored by git) and makes PBC's held-out split.
# Needs ../shared/data beside the repository and build/stratum (for the split).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shared=${SHARED_DATA:-../shared/data}
if [ ! -d data/cifar10/test ]; then
  mkdir -p data/cifar10 && tar xzf "$shared/cifar10/cifar10-jpg.tar.gz" -C data/cifar10
fi
if [ ! -d data/pbc/neutrophil ]; then
  mkdir -p data/pbc && tar xzf "$shared/pbc/pbc-png64.tar.gz" -C data/pbc
fi
if [ ! -d data/pbc-split/test ]; then
  build/stratum split data/pbc data/pbc-split --test 0.2
fi
echo "data: ready in data/"
