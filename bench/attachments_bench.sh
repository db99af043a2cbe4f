#!/usr/bin/env bash
# Attachments (issue 10): upload and download throughput of a 10 MiB file,
# the server's peak resident memory during 8 parallel uploads, and what a
# request far over the body limit costs the server before its 413 (Pistache
# buffers a request up to its maxRequestSize, which the largest route limit
# sets). Results go to bench/RESULTS.md by hand; tests assert nothing of this.
#
#   bench/attachments_bench.sh [BUILD_DIR]     default build-release (brought up to date)
#
# Environment: BENCH_ROUNDS (10 uploads and downloads), BENCH_PORT (18094).
# One server on SQLite in a temp dir (plugins auth, tasks, attachments), the
# client (curl) on the same machine over loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"
port=${BENCH_PORT:-18094}
rounds=${BENCH_ROUNDS:-10}
base="http://127.0.0.1:$port"

make_workdir
bench_config "$port" "auth, tasks, attachments" "attachments: { dir: \"$work/files\", quota_bytes: 100GiB }"
serve_bench "$work/tasklane.yaml" "$base"
token=$(admin_token "$base" "$bench_password")
auth=(-H "Authorization: Bearer $token" -H 'Expect:')
task=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' "$base/api/v1/tasks" -d '{"title":"files"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

cpu_ms() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$pid/stat"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
mib_per_s() { awk -v bytes="$1" -v ms="$2" 'BEGIN { printf "%.0f", bytes / 1048576 / (ms / 1000) }'; }

head -c $((10 << 20)) /dev/urandom >"$work/10MiB.bin"
size=$((10 << 20))

# Each upload is a new attachment of the same bytes (content-addressed: one file on disk).
start=$(now_ms)
for _ in $(seq "$rounds"); do
  id=$(curl -sf "${auth[@]}" -H 'Content-Type: application/octet-stream' --data-binary @"$work/10MiB.bin" \
    "$base/api/v1/tasks/$task/attachments?filename=big.bin" | sed -E 's/.*[{,]"id":([0-9]+).*/\1/')
done
up_ms=$(( $(now_ms) - start ))
start=$(now_ms)
for _ in $(seq "$rounds"); do
  curl -sf "${auth[@]}" "$base/api/v1/attachments/$id" -o "$work/down.bin"
done
down_ms=$(( $(now_ms) - start ))
cmp -s "$work/10MiB.bin" "$work/down.bin" || { echo "download differs from the upload" >&2; exit 1; }
echo "10 MiB upload:   $(mib_per_s $((size * rounds)) "$up_ms") MiB/s ($rounds in $up_ms ms, raw body)"
echo "10 MiB download: $(mib_per_s $((size * rounds)) "$down_ms") MiB/s ($rounds in $down_ms ms)"

before=$(kib VmRSS)
echo 5 >"/proc/$pid/clear_refs"
start=$(now_ms)
for i in $(seq 8); do
  curl -sf "${auth[@]}" -H 'Content-Type: application/octet-stream' --data-binary @"$work/10MiB.bin" \
    "$base/api/v1/tasks/$task/attachments?filename=parallel-$i.bin" -o /dev/null &
done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
echo "8 parallel 10 MiB uploads: $(( $(now_ms) - start )) ms, peak RSS $(( $(kib VmHWM) / 1024 )) MiB (before: $(( before / 1024 )) MiB)"

# Far over the limit: a 200 MiB body, to a JSON route and to the upload route.
# How long until the 413, and how much server CPU did it burn meanwhile? (The
# client gives up after BENCH_OVERSIZE_SECONDS, 20.)
head -c $((200 << 20)) /dev/zero >"$work/200MiB.bin"
for target in "/api/v1/tasks" "/api/v1/tasks/$task/attachments?filename=huge.bin"; do
  cpu_before=$(cpu_ms)
  start=$(now_ms)
  code=$(curl -s "${auth[@]}" -H 'Content-Type: application/octet-stream' --data-binary @"$work/200MiB.bin" \
    "$base$target" -o /dev/null -w '%{http_code}' --max-time "${BENCH_OVERSIZE_SECONDS:-20}" || true)
  sleep 2  # what the server still does after the client is gone counts too
  echo "200 MiB body to $target: HTTP $code after $(( $(now_ms) - start )) ms, server CPU $(awk -v a="$cpu_before" -v b="$(cpu_ms)" 'BEGIN { print b - a }') ms"
done
echo "server RSS at the end: $(( $(kib VmRSS) / 1024 )) MiB"
