#!/usr/bin/env bash
# Throughput of the tasks API, per database: wrk against the authenticated
# task routes with 10,000 tasks loaded, next to /health of the same run.
# Results go to bench/RESULTS.md by hand (with the machine); nothing here is
# asserted by tests.
#
#   bench/tasks_bench.sh [BUILD_DIR] [sqlite|postgresql|both]
#       BUILD_DIR   default build-release (configured and built if missing)
#       dialect     default both
#
# Environment: BENCH_THREADS (server.threads, default 4), BENCH_PORT (18080),
# BENCH_LOG_LEVEL (warn), BENCH_TASKS (tasks loaded first, 10000),
# BENCH_DURATION (per wrk run, 10s), BENCH_PG_PORT (55432).
#
# Per dialect: a fresh database (SQLite in a temp dir; on PostgreSQL a
# database bench_tasks_<pid> on the server tests/pg/start.sh starts or reuses
# on 127.0.0.1:55432, dropped at the end), `tasklane serve` with plugins
# [auth, tasks] and a cheap argon2 cost (ops_limit 1, 8 MiB) so the one login
# is quick, one member account, the tasks loaded through POST /api/v1/tasks by
# parallel curl (status, priority, tags and due dates vary; about 40 % todo),
# then `wrk -t2 -c32 -d10s --latency` with `Authorization: Bearer <token>` on:
#   GET   /health                         (baseline: "vs /health" divides by it)
#   GET   /health without a token         (what the auth lookup costs /health)
#   GET   /api/v1/tasks/{id}              id random over the loaded tasks
#   GET   /api/v1/tasks?status=todo&per_page=20
#   POST  /api/v1/tasks                   a new task per request
#   PATCH /api/v1/tasks/{id}              new description, no If-Match, id
#                                         random over the loaded tasks
# The wrk Lua scripts live in bench/tasks/. wrk runs on the same cores as the
# server, so the numbers are lower bounds for a real deployment.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
which_db=${2:-both}
case "$which_db" in
  sqlite) dialects=(sqlite) ;;
  postgresql) dialects=(postgresql) ;;
  both) dialects=(sqlite postgresql) ;;
  *) echo "usage: $0 [BUILD_DIR] [sqlite|postgresql|both]" >&2; exit 2 ;;
esac
# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl missing: apt-get install -y curl" >&2; exit 1; }

port=${BENCH_PORT:-18080}
threads=${BENCH_THREADS:-4}
level=${BENCH_LOG_LEVEL:-warn}
ntasks=${BENCH_TASKS:-10000}
duration=${BENCH_DURATION:-10s}
pg_port=${BENCH_PG_PORT:-55432}
base="http://127.0.0.1:$port"

# State of the dialect being measured, for the cleanup on any exit.
pid= work= pg_db= pg_started=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
  pid= work= pg_db=
}
trap cleanup EXIT

# "542.00us" / "4.44ms" / "1.02s" -> milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
    else printf "?" }'
}

baseline=
# run_wrk LABEL [wrk options and URL...]: one wrk run, one table row.
run_wrk() {
  local label=$1; shift
  local out rps p50 p99 non2xx errors
  out=$(wrk -t2 -c32 -d"$duration" --latency "$@" 2>&1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  errors=$(awk '/Socket errors:/ {sub(/.*Socket errors: /, ""); print}' <<<"$out")
  [ -n "$rps" ] || { echo "wrk failed for $label:" >&2; echo "$out" >&2; exit 1; }
  [ -n "$baseline" ] || baseline=$rps
  printf '%-42s %10s %9s %9s %8s %8s' "$label" "$rps" "$p50" "$p99" "${non2xx:-0}" \
    "$(awk -v r="$rps" -v b="$baseline" 'BEGIN {printf "%.0f %%", 100 * r / b}')"
  if [ -n "$errors" ]; then printf '   socket errors: %s' "$errors"; fi
  echo
}

# load_tasks TOKEN: POST $ntasks varied tasks, 8 at a time over keep-alive
# connections (one curl process, a config block per request).
load_tasks() {
  local token=$1
  awk -v n="$ntasks" -v url="$base/api/v1/tasks" -v token="$token" 'BEGIN {
    split("todo todo in_progress done cancelled", status, " ")
    split("low medium high urgent", priority, " ")
    split("backend frontend bug feature ops docs customer q3", tag, " ")
    for (i = 1; i <= n; i++) {
      tags = ""
      for (k = 0; k < i % 4; k++) tags = tags (k ? "," : "") "\"" tag[(i * 3 + k * 5) % 8 + 1] "\""
      due = (i % 4 == 0) ? "null" : sprintf("\"%d-%02d-%02dT%02d:00:00Z\"", 2026 + i % 2, i % 12 + 1, i % 28 + 1, i % 24)
      body = sprintf("{\"title\":\"Task %d\",\"description\":\"Loaded by tasks_bench.sh, item %d of %d.\",\"status\":\"%s\",\"priority\":\"%s\",\"tags\":[%s],\"due_date\":%s}",
                     i, i, n, status[i % 5 + 1], priority[int(i / 5) % 4 + 1], tags, due)
      gsub(/"/, "\\\"", body)
      printf "url = \"%s\"\nheader = \"Authorization: Bearer %s\"\nheader = \"Content-Type: application/json\"\n", url, token
      printf "data-binary = \"%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", body
      if (i < n) print "next"
    }
  }' >"$work/load.curl"
  # (-Z draws its own progress meter even with -s; errors go to load.err.)
  curl -s -Z --parallel-max 8 -K "$work/load.curl" 2>"$work/load.err" | sort | uniq -c |
    awk '{printf " %s x%s", $2, $1}'
  if grep -q 'curl: (' "$work/load.err"; then
    echo; echo "curl errors:" >&2; grep 'curl: (' "$work/load.err" | sort | uniq -c | head -5 >&2
  fi
}

# task_id_at TOKEN SORT: the id of the oldest (created_at) or newest (-created_at) task.
task_id_at() {
  curl -sf -H "Authorization: Bearer $1" "$base/api/v1/tasks?sort=$2&per_page=1" |
    grep -o '"id":[0-9]*' | head -n 1 | cut -d: -f2
}

bench_dialect() {
  local dialect=$1 url what
  work=$(mktemp -d)
  if [ "$dialect" = postgresql ]; then
    command -v psql >/dev/null || { echo "psql missing: apt-get install -y postgresql-client" >&2; exit 1; }
    # Left running afterwards (the test suite may be sharing it); a cluster
    # this script had to start is named at the end so it can be stopped.
    if TASKLANE_PG_PORT=$pg_port bash tests/pg/start.sh | grep -q 'started'; then pg_started=1; fi
    pg_db=bench_tasks_$$
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "CREATE DATABASE $pg_db" >/dev/null
    url="postgresql://postgres@127.0.0.1:$pg_port/$pg_db"
    what="PostgreSQL $(psql -tA -h 127.0.0.1 -p "$pg_port" -U postgres -d "$pg_db" -c 'SHOW server_version' |
                       cut -d' ' -f1) on 127.0.0.1:$pg_port (tests/pg cluster: fsync off)"
  else
    url="sqlite://$work/data/tasklane.db"
    what="SQLite (WAL, synchronous=NORMAL) in $work"
  fi
  cat >"$work/bench.yaml" <<YAML
server: { host: 127.0.0.1, port: $port, threads: $threads }
database: { url: "$url" }
plugins: { dir: "$build/plugins", enabled: [auth, tasks] }
auth:
  jwt_secret: "bench-secret-bench-secret-bench-secret-0123"
  access_ttl: 1h
  password: { ops_limit: 1, mem_limit: 8MiB }
logging: { level: $level }
security: { rate_limits: { enabled: false } }   # load from one address is not abuse here
YAML

  local start ready
  start=$(date +%s%N)
  "$build/tasklane" serve --config "$work/bench.yaml" 2>"$work/server.log" &
  pid=$!
  wait_ready "$base" "$pid" "$work/server.log"
  ready=$(( ($(date +%s%N) - start) / 1000000 ))

  echo
  echo "=== $dialect: $what"
  echo "server: threads=$threads logging.level=$level, plugins [auth, tasks], database.pool_size default (8)"
  echo "start-up to ready: ${ready} ms, idle RSS: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) KiB"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every row)"

  local token loaded_ms first last
  curl -sf -H 'Content-Type: application/json' "$base/api/v1/auth/register" \
    -d '{"email":"bench@example.com","username":"bench","password":"bench-password"}' >/dev/null
  token=$(curl -sf -H 'Content-Type: application/json' "$base/api/v1/auth/login" \
    -d '{"username":"bench","password":"bench-password"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  [ -n "$token" ] || { echo "login failed" >&2; exit 1; }

  start=$(date +%s%N)
  printf 'loading %s tasks (POST, 8 in parallel): statuses' "$ntasks"
  load_tasks "$token"
  loaded_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  awk -v n="$ntasks" -v ms="$loaded_ms" 'BEGIN {printf " in %.1f s (%.0f tasks/s)\n", ms / 1000, n * 1000 / ms}'
  first=$(task_id_at "$token" created_at)
  last=$(task_id_at "$token" -created_at)
  [[ "$first" =~ ^[0-9]+$ && "$last" =~ ^[0-9]+$ ]] || { echo "could not read the task id range" >&2; exit 1; }
  echo "task ids $first..$last; GET ?status=todo total: $(curl -sf -H "Authorization: Bearer $token" \
    "$base/api/v1/tasks?status=todo&per_page=1" | sed 's/.*"total":\([0-9]*\).*/\1/')"

  echo
  echo "wrk -t2 -c32 -d$duration --latency, Authorization: Bearer <member token> unless noted"
  printf '%-42s %10s %9s %9s %8s %8s\n' "route" "req/s" "p50 ms" "p99 ms" "non-2xx" "vs /health"
  baseline=
  local auth=(-H "Authorization: Bearer $token")
  run_wrk "GET /health" "${auth[@]}" "$base/health"
  run_wrk "GET /health (no token)" "$base/health"
  run_wrk "GET /api/v1/tasks/{id}" "${auth[@]}" -s bench/tasks/get_task.lua "$base" -- "$first" "$last"
  run_wrk "GET /api/v1/tasks?status=todo&per_page=20" "${auth[@]}" "$base/api/v1/tasks?status=todo&per_page=20"
  run_wrk "POST /api/v1/tasks" "${auth[@]}" -s bench/tasks/post_task.lua "$base"
  run_wrk "PATCH /api/v1/tasks/{id} (description)" "${auth[@]}" -s bench/tasks/patch_task.lua "$base" -- "$first" "$last"
  echo "RSS after load: $(awk '/VmRSS/ {print $2}' /proc/$pid/status) KiB"
  if grep -qiE 'error|critical' "$work/server.log"; then
    echo "server log errors: $(grep -ciE 'error|critical' "$work/server.log") lines, first: $(grep -iE 'error|critical' "$work/server.log" | head -1)"
  fi
  cleanup
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "build: $build ($(awk -F= '/^CMAKE_BUILD_TYPE:/ {print $2}' "$build/CMakeCache.txt" 2>/dev/null || echo '?'))"
for d in "${dialects[@]}"; do
  bench_dialect "$d"
done
if [ -n "$pg_started" ]; then
  echo
  echo "note: this run started the PostgreSQL cluster of tests/pg (port $pg_port); bash tests/pg/stop.sh stops it"
fi
