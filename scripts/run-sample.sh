#!/usr/bin/env bash
# Installs what is missing, builds (release) and starts kestrel on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
exec build/release/app/kestrel "${1:-resources/sample.ktr}"
