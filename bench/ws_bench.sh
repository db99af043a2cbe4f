#!/usr/bin/env bash
# WebSocket feeds (issue 7): fan-out latency from POST /api/v1/tasks to the
# task_created frame on every open /ws/tasks connection, and the server's
# resident memory per idle connection, at 1,000 and 10,000 connections.
# bench/ws_bench.cpp says exactly what is measured. Results go to
# bench/RESULTS.md by hand; nothing here is asserted by tests.
#
#   bench/ws_bench.sh [BUILD_DIR]        default build-release (configured and built as needed)
#
# Environment: BENCH_CONNECTIONS ("1000 10000"), BENCH_EVENTS (20 tasks per
# run), BENCH_PAUSE_MS (100, after each task is delivered everywhere),
# BENCH_CLIENT_THREADS (1 Asio thread in ws_bench), BENCH_SOURCES (127.0.0.x
# source addresses for the client; default: enough for the ephemeral port
# range), BENCH_PORT (18080; the feeds on BENCH_PORT + 1).
#
# Each connection count gets a fresh server (SQLite in a temp dir, plugins
# auth, tasks, notifications, integrations, logging.level warn), so the memory
# figure does not inherit the previous run's freed-but-kept heap. The client
# runs on the same cores as the server: the latencies are upper bounds for a
# deployment where they do not share a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build-release}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
counts=${BENCH_CONNECTIONS:-1000 10000}
events=${BENCH_EVENTS:-20}
pause_ms=${BENCH_PAUSE_MS:-100}
client_threads=${BENCH_CLIENT_THREADS:-1}
port=${BENCH_PORT:-18080}
ws_port=$((port + 1))
base="http://127.0.0.1:$port"
password="root-password"

# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"

# One descriptor per connection in the server and one in the client (two
# processes, each with its own limit); the soft limit is often 1024.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit=$(ulimit -n)
read -r port_low port_high </proc/sys/net/ipv4/ip_local_port_range
ports=$((port_high - port_low + 1))

make_workdir

cat >"$work/tasklane.yaml" <<YAML
server: { host: 127.0.0.1, port: $port }
realtime: { host: 127.0.0.1, port: $ws_port, max_connections: 20000, max_connections_per_user: 20000 }
database: { url: "sqlite://$work/data/tasklane.db" }
plugins: { dir: "$build/plugins", enabled: [auth, tasks, notifications, integrations] }
logging: { level: warn }
security: { rate_limits: { enabled: false } }   # load from one address is not abuse here
auth:
  jwt_secret: "ws-bench-secret-0123456789-abcdefghijklmnop"
  access_ttl: 1h
  password: { ops_limit: 1, mem_limit: 8MiB }
  bootstrap_admin: { username: root, email: root@example.com, password: $password }
YAML

start_server() {
  rm -rf "$work/data"
  "$build/tasklane" serve --config "$work/tasklane.yaml" >"$work/server.log" 2>&1 &
  pid=$!
  wait_ready "$base" "$pid" "$work/server.log"
}

stop_server() {
  if ! kill -0 "$pid" 2>/dev/null; then
    wait "$pid" && rc=0 || rc=$?
    echo "SERVER DIED during the run (exit status $rc); its log:"; tail -n 30 "$work/server.log"
    pid=; return 1
  fi
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  if grep -q . "$work/server.log"; then echo "server log (warn and above):"; tail -n 20 "$work/server.log"; fi
}

# Why N connections cannot work on this machine, or nothing.
machine_limit() {
  local n=$1 sources=$2
  if [ "$fd_limit" -lt $((n + 100)) ]; then
    echo "ulimit -n is $fd_limit (hard limit $(ulimit -Hn)): $n connections need $n descriptors in the server and $n in the client, plus ~100"
  elif [ $((ports * sources)) -lt "$n" ]; then
    echo "ephemeral ports $port_low-$port_high ($ports) x $sources source addresses < $n connections to one server port"
  fi
}

echo "machine: nproc $(nproc), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg); client and server share these cores"
echo "limits: ulimit -n $fd_limit, ephemeral ports $port_low-$port_high ($ports), somaxconn $(cat /proc/sys/net/core/somaxconn)"
status=0
for n in $counts; do
  # 90 % of the range per source address leaves room for other sockets.
  sources=${BENCH_SOURCES:-$(( n / (ports * 9 / 10) + 1 ))}
  echo
  echo "=== $n connections to ws://127.0.0.1:$ws_port/ws/tasks, $events tasks, client threads $client_threads, source addresses $sources"
  limit=$(machine_limit "$n" "$sources")
  if [ -n "$limit" ]; then
    echo "NOT RUN: $limit"; status=1; continue
  fi
  start_server
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the latencies)"
  "$build/ws_bench" --connections "$n" --events "$events" --pause-ms "$pause_ms" --server-pid "$pid" \
    --port "$port" --ws-port "$ws_port" --password "$password" --threads "$client_threads" --sources "$sources" ||
    status=1
  echo "server after the run: VmRSS $(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo '?') KiB," \
    "ready: $(curl -s "$base/health/ready" || echo unreachable)"
  stop_server || status=1
done
exit $status
