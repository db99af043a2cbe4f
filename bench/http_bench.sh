#!/usr/bin/env bash
# HTTP ceiling of the core: wrk against /health and the example plugin's
# route, idle memory and start-up time. Results go to bench/RESULTS.md by hand
# (with the machine); nothing here is asserted by tests.
#
#   bench/http_bench.sh [BUILD_DIR]     default build-release (built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d)
port=${BENCH_PORT:-18080}
level=${BENCH_LOG_LEVEL:-warn}
cat >"$work/bench.yaml" <<YAML
server: { host: 127.0.0.1, port: $port, threads: ${BENCH_THREADS:-4} }
database: { url: "sqlite://$work/data/tasklane.db" }
plugins: { dir: "$build/plugins", enabled: [auth, hello] }
auth: { jwt_secret: "bench-secret-bench-secret-bench-secret-0123" }
logging: { level: $level }
security: { rate_limits: { enabled: false } }   # load from one address is not abuse here
YAML

start=$(date +%s%N)
"$build/tasklane" serve --config "$work/bench.yaml" 2>"$work/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.005; done
ready=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 1
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "server: threads=${BENCH_THREADS:-4} logging.level=$level, SQLite, plugins [auth, hello]"
echo "start-up to ready: ${ready} ms"
echo "idle RSS: ${rss_idle} KiB"
# An account and an access token for the authenticated route.
curl -sf -H 'Content-Type: application/json' "127.0.0.1:$port/api/v1/auth/register" \
  -d '{"email":"bench@example.com","username":"bench","password":"bench-password"}' >/dev/null
token=$(curl -sf -H 'Content-Type: application/json' "127.0.0.1:$port/api/v1/auth/login" \
  -d '{"username":"bench","password":"bench-password"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')

run_wrk() {
  echo
  echo "== wrk -t2 -c32 -d10s --latency $* "
  wrk -t2 -c32 -d10s --latency "$@" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors|requests in"
}
run_wrk "http://127.0.0.1:$port/health"
run_wrk "http://127.0.0.1:$port/api/v1/hello"
run_wrk -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/auth/me"
echo
echo "RSS after load: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) KiB"
