#!/usr/bin/env bash
# The rule engine end to end (issue 6), on SQLite: 10 rules loaded (9 whose
# `when` does not hold, 1 that updates every new task), tasks created through
# REST; measured from the outbox (events.occurred_at, millisecond resolution):
#   latency   publish of task.created -> publish of the rule's task.updated
#             (both inside their transactions, so the REST commit counts),
#             BENCH_LATENCY_TASKS (300) tasks one at a time, 20 ms apart, so
#             the engine is idle when each arrives (no queueing);
#   events/s  tasks created 8 at a time (BENCH_TASKS, 2000): created tasks per
#             second from the first task.created to the last rule action.
# Results go to bench/RESULTS.md by hand.
#
#   bench/rules_e2e.sh [BUILD_DIR]      default build-release
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-release}
# shellcheck source=bench/common.sh
. bench/common.sh
release_build "$build"
port=${BENCH_PORT:-18081}
latency_tasks=${BENCH_LATENCY_TASKS:-300}
throughput_tasks=${BENCH_TASKS:-2000}
base="http://127.0.0.1:$port"
make_workdir

cat >"$work/tasklane.yaml" <<YAML
server: { host: 127.0.0.1, port: $port, threads: 4 }
database: { url: "sqlite://$work/tasklane.db" }
plugins: { dir: "$PWD/$build/plugins", enabled: [auth, tasks] }
events: { poll_interval: 500ms }
rules: { dir: "$work/rules", workers: 2 }
logging: { level: warn }
security: { rate_limits: { enabled: false } }   # load from one address is not abuse here
auth:
  jwt_secret: "rules-bench-secret-0123456789-abcdefghijklmnop"
  password: { ops_limit: 1, mem_limit: 8MiB }
  bootstrap_admin: { username: root, email: root@example.com, password: root-password }
YAML
"$build/tasklane" serve --config "$work/tasklane.yaml" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"root","password":"root-password"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')

for i in $(seq 9); do
  src="return { name = 'idle-$i', on = { 'task.created', 'task.updated' }, when = function(e) return e.data.task.priority == 'urgent' and #e.data.task.tags > $i end, run = function(e, api) end }"
  curl -sf "${auth[@]}" "$base/api/v1/rules" -d "{\"source\": \"$src\"}" >/dev/null
done
src="return { name = 'stamp', on = 'task.created', run = function(e, api) api.tasks.update(e.data.task.id, { description = 'seen' }) end }"
curl -sf "${auth[@]}" "$base/api/v1/rules" -d "{\"source\": \"$src\"}" >/dev/null

# post N PARALLEL: N new tasks, PARALLEL at a time.
post() {
  awk -v n="$1" -v url="$base/api/v1/tasks" -v token="$token" 'BEGIN {
    for (i = 1; i <= n; i++) {
      printf "url = \"%s\"\nheader = \"Authorization: Bearer %s\"\nheader = \"Content-Type: application/json\"\n", url, token
      printf "data-binary = \"{\\\"title\\\":\\\"Bench %d\\\"}\"\noutput = \"/dev/null\"\n", i
      if (i < n) print "next"
    }}' >"$work/post.curl"
  if [ "$2" -gt 1 ]; then curl -s -Z --parallel-max "$2" -K "$work/post.curl" 2>/dev/null; else curl -s -K "$work/post.curl"; fi
}
db() { sqlite3 "$work/tasklane.db" "$1"; }
# wait_actions N: until the rule has updated N tasks.
wait_actions() {
  for _ in $(seq 600); do
    [ "$(db "SELECT COUNT(*) FROM events WHERE type = 'task.updated' AND actor_type = 'rule'")" -ge "$1" ] && return
    sleep 0.1
  done
  echo "the rule did not keep up" >&2; exit 1
}
# Per task: ms from its task.created to the rule's task.updated.
latencies() {
  db "SELECT u.occurred_at - c.occurred_at FROM events c JOIN events u
        ON json_extract(u.data, '$.task.id') = json_extract(c.data, '$.task.id')
      WHERE c.type = 'task.created' AND u.type = 'task.updated' AND u.actor_type = 'rule'
        AND c.id > $1 ORDER BY 1"
}
pct() { awk -v p="$1" '{v[NR] = $1} END {i = int(p * (NR - 1) + 0.5) + 1; print v[i]}'; }

start=$(db "SELECT COALESCE(MAX(id), 0) FROM events")
for i in $(seq "$latency_tasks"); do
  curl -sf -o /dev/null "${auth[@]}" "$base/api/v1/tasks" -d "{\"title\":\"Idle $i\"}"
  sleep 0.02
done
wait_actions "$latency_tasks"
lat=$(latencies "$start")
echo "latency task.created -> rule action, $latency_tasks tasks 20 ms apart: p50 $(pct 0.5 <<<"$lat") ms, p99 $(pct 0.99 <<<"$lat") ms"

start=$(db "SELECT COALESCE(MAX(id), 0) FROM events")
post "$throughput_tasks" 8
wait_actions $((latency_tasks + throughput_tasks))
span=$(db "SELECT MAX(occurred_at) - MIN(occurred_at) FROM events WHERE id > $start")
echo "throughput: $throughput_tasks tasks, 8 at a time, through 10 rules in $span ms: $(awk -v n="$throughput_tasks" -v ms="$span" 'BEGIN {printf "%.0f", n * 1000 / ms}') tasks/s ($(awk -v n="$throughput_tasks" -v ms="$span" 'BEGIN {printf "%.0f", 2 * n * 1000 / ms}') events/s)"
