#!/usr/bin/env bash
# HTTP ceiling of the core: wrk against /health and the example plugin's
# route, idle memory and start-up time. Results go to bench/RESULTS.md by hand
# (with the machine); nothing here is asserted by tests.
#
#   bench/http_bench.sh [BUILD_DIR]     default build-release (built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
if [ ! -x "$build/tasklane" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DTASKLANE_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" >/dev/null
fi
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }

work=$(mktemp -d)
port=${BENCH_PORT:-18080}
level=${BENCH_LOG_LEVEL:-warn}
cat >"$work/bench.yaml" <<YAML
server: { host: 127.0.0.1, port: $port, threads: ${BENCH_THREADS:-4} }
database: { url: "sqlite://$work/data/tasklane.db" }
plugins: { dir: "$build/plugins", enabled: [hello] }
logging: { level: $level }
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
echo "server: threads=${BENCH_THREADS:-4} logging.level=$level, SQLite, plugins [hello]"
echo "start-up to ready: ${ready} ms"
echo "idle RSS: ${rss_idle} KiB"
for path in /health /api/v1/hello; do
  echo
  echo "== wrk -t2 -c32 -d10s --latency http://127.0.0.1:$port$path"
  wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$port$path" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors|requests in"
done
echo
echo "RSS after load: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) KiB"
