#!/usr/bin/env bash
# Job queue throughput and enqueue→start latency on SQLite and PostgreSQL,
# with one and two workers (bench/jobs_bench.cpp says what is measured).
# Results go to bench/RESULTS.md by hand; nothing here is asserted by tests.
#
#   bench/jobs_bench.sh [BUILD_DIR]        default build-release (configured and built if missing)
#
# Environment: BENCH_JOBS (queued jobs per throughput run, 5000),
# BENCH_LATENCY_JOBS (1000), BENCH_PG_PORT (55432: the cluster tests/pg/start.sh
# starts or reuses; a database bench_jobs_<pid> is created and dropped).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
if [ ! -x "$build/jobs_bench" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTASKLANE_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" -j"$(nproc)" --target jobs_bench
fi
jobs=${BENCH_JOBS:-5000}
latency_jobs=${BENCH_LATENCY_JOBS:-1000}
pg_port=${BENCH_PG_PORT:-55432}
tmp=$(mktemp -d)
pg_db=bench_jobs_$$
cleanup() {
  rm -rf "$tmp"
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$build/jobs_bench" "sqlite://$tmp/jobs.db" --jobs "$jobs" --latency-jobs "$latency_jobs"
TASKLANE_PG_PORT=$pg_port tests/pg/start.sh >/dev/null
psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $pg_db" >/dev/null
"$build/jobs_bench" "postgresql://postgres@127.0.0.1:$pg_port/$pg_db" --jobs "$jobs" --latency-jobs "$latency_jobs" |
  tail -n +3
