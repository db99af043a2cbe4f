#!/usr/bin/env bash
# The cost of the security middleware (issue 8): /health throughput with every
# middleware on (rate limits with buckets per address, trusted proxies and
# X-Forwarded-For, CORS with an Origin on each request, HSTS and the other
# headers) against all of it off, in one run, alternating off/on rounds so a
# noisy machine hurts both sides alike. Results go to bench/RESULTS.md.
#
#   bench/middleware_bench.sh [BUILD_DIR]     default build-release (built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
rounds=${BENCH_ROUNDS:-3}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

write_config() {  # name port security-yaml
  cat >"$work/$1.yaml" <<YAML
server: { host: 127.0.0.1, port: $2, threads: ${BENCH_THREADS:-4} }
realtime: { host: 127.0.0.1, port: $(($2 + 1)) }
database: { url: "sqlite://$work/$1/tasklane.db" }
plugins: { dir: "$build/plugins", enabled: [auth, hello] }
auth: { jwt_secret: "bench-secret-bench-secret-bench-secret-0123" }
logging: { level: warn }
$3
YAML
}
write_config off 18180 "security: { rate_limits: { enabled: false } }"
# All on; the limits are high enough that the bench measures the work, not 429s.
write_config on 18190 "security:
  trusted_proxies: [127.0.0.1]
  cors: { allowed_origins: [\"https://app.example.com\"], allow_credentials: true }
  headers: { hsts_max_age: 365d }
  rate_limits:
    enabled: true
    operations: { per_ip: { requests: 100000000, per: 1s, burst: 100000000 } }"

for side in off on; do
  port=$([ $side = off ] && echo 18180 || echo 18190)
  "$build/tasklane" serve --config "$work/$side.yaml" 2>"$work/$side.log" &
  until curl -sf "127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.01; done
done

echo "machine: $(nproc) cores, $(uname -r); server threads=${BENCH_THREADS:-4}; wrk -t2 -c32 -d10s, $rounds rounds each"
for round in $(seq "$rounds"); do
  for side in off on; do
    port=$([ $side = off ] && echo 18180 || echo 18190)
    headers=()
    # BENCH_ORIGIN=0 leaves out the Origin header (no CORS headers in the answers).
    [ $side = on ] && headers=(-H "X-Forwarded-For: 203.0.113.$round")
    [ $side = on ] && [ "${BENCH_ORIGIN:-1}" = 1 ] && headers+=(-H "Origin: https://app.example.com")
    rps=$(wrk -t2 -c32 -d10s "${headers[@]}" "http://127.0.0.1:$port/health" | awk '/Requests\/sec/ {print $2}')
    echo "round $round middleware $side: $rps req/s"
    echo "$side $rps" >>"$work/results"
  done
done
awk '{sum[$1] += $2; n[$1]++} END {
  off = sum["off"] / n["off"]; on = sum["on"] / n["on"];
  printf "mean: off %.0f req/s, on %.0f req/s, cost %.1f%%\n", off, on, (off - on) * 100 / off }' "$work/results"
