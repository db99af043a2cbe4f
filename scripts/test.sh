#!/usr/bin/env bash
# From a fresh Debian 12 machine: install what is missing, build with
# AddressSanitizer and UBSan, and run the whole suite with ctest. ctest starts
# a private PostgreSQL on 127.0.0.1 (tests/pg/start.sh) and stops it again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
build=${TASKLANE_TEST_BUILD_DIR:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DTASKLANE_SANITIZE=ON -DTASKLANE_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
