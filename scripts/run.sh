#!/usr/bin/env bash
# From a fresh Debian 12 machine: install what is missing, build, and run the
# server on the embedded default config (SQLite under ./data, REST on
# 127.0.0.1:8080). Extra arguments go to `tasklane serve`, e.g. --config FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTASKLANE_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
exec ./build/tasklane serve "$@"
