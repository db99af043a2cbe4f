#!/usr/bin/env bash
# Export and import (issue 10): how long GET /api/v1/tasks/export takes for
# 10,000, 50,000 and 100,000 tasks (CSV and JSON) and how much the server's
# resident memory peaks during it, plus how fast POST /api/v1/tasks/import
# loads them. Results go to bench/RESULTS.md by hand; tests assert nothing
# of this.
#
#   bench/transfer_bench.sh [BUILD_DIR]     default build-release (brought up to date)
#
# Environment: BENCH_SIZES ("10000 50000 100000", cumulative), BENCH_PORT (18090).
#
# One server on SQLite in a temp dir (plugins auth, tasks). The tasks are
# loaded through the import endpoint, 50,000 rows per request at most. Before
# each export the kernel's peak-RSS mark is reset (/proc/PID/clear_refs), so
# "peak" is the highest resident memory during that export alone.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"
port=${BENCH_PORT:-18090}
sizes=${BENCH_SIZES:-10000 50000 100000}
base="http://127.0.0.1:$port"

make_workdir
bench_config "$port" "auth, tasks"
serve_bench "$work/tasklane.yaml" "$base"
token=$(admin_token "$base" "$bench_password")
auth=(-H "Authorization: Bearer $token")


# `rows FROM TO`: a CSV of tasks FROM..TO-1 (title, a 100-character
# description, priority, two tags, a due date).
rows() {
  python3 - "$1" "$2" <<'PY'
import sys
start, end = int(sys.argv[1]), int(sys.argv[2])
out = ["title,description,priority,tags,due_date"]
prios = ["low", "medium", "high", "urgent"]
for i in range(start, end):
    out.append(f"Task {i},{'x' * 100},{prios[i % 4]},team-{i % 7} bench,2027-01-{1 + i % 28:02d}")
sys.stdout.write("\r\n".join(out) + "\r\n")
PY
}

loaded=0
echo "tasks   format  export_s  MiB   peak_rss_MiB (rss before)   import_rows/s"
for size in $sizes; do
  import_start=$(date +%s%N)
  while [ "$loaded" -lt "$size" ]; do
    next=$(( loaded + 50000 < size ? loaded + 50000 : size ))
    rows "$loaded" "$next" >"$work/chunk.csv"
    curl -sf "${auth[@]}" -H 'Content-Type: text/csv' "$base/api/v1/tasks/import" --data-binary @"$work/chunk.csv" >/dev/null
    loaded=$next
  done
  import_ms=$(( ($(date +%s%N) - import_start) / 1000000 ))
  for format in csv json; do
    before=$(kib VmRSS)
    echo 5 >"/proc/$pid/clear_refs"
    start=$(date +%s%N)
    bytes=$(curl -sf "${auth[@]}" "$base/api/v1/tasks/export?format=$format" -o /dev/null -w '%{size_download}')
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    peak=$(kib VmHWM)
    rate=-
    if [ "$format" = csv ] && [ "$import_ms" -gt 0 ]; then rate=$(( (size - ${prev:-0}) * 1000 / import_ms )); fi
    awk -v n="$size" -v f="$format" -v ms="$ms" -v b="$bytes" -v p="$peak" -v r="$before" -v rate="$rate" \
      'BEGIN { printf "%-7s %-7s %8.2f  %5.1f %8.1f (%.1f)   %s\n", n, f, ms / 1000, b / 1048576, p / 1024, r / 1024, rate }'
  done
  prev=$size
done
