#!/usr/bin/env bash
# The web app (issue 11): bundle size (JS and CSS, gzipped), time to
# interactive of the board with 500 tasks in headless Chromium, and the time
# from a REST change to the card updating in a second browser (p50 and p90
# over 20 changes). Results go to bench/RESULTS.md by hand; tests assert
# nothing of this. bench/web/*.mjs say exactly what each number is.
#
#   bench/web_bench.sh [BUILD_DIR]     default build-release (brought up to date)
#
# Environment: BENCH_TASKS (500), BENCH_RUNS (5 page loads per TTI figure),
# BENCH_CHANGES (20), BENCH_PORT (18100; the feeds on BENCH_PORT + 1),
# BENCH_WEB_DIR (the built web app; default BUILD_DIR/web), BENCH_SKIP_BUILD=1
# (use BUILD_DIR as it is, e.g. to try the script on a debug build),
# BENCH_CHROMIUM (/usr/bin/chromium).
#
# One server on SQLite in a temp dir (plugins auth, tasks, notifications:
# what the board's page talks to), rate limits off, logging.level warn. The
# tasks are loaded through the import endpoint, spread evenly over the
# workflow's statuses (125 per column: all on the board at once). Chromium,
# node and the server share the machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build-release}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
# shellcheck source=bench/common.sh
. bench/common.sh
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then release_build "$build"; fi
port=${BENCH_PORT:-18100}
tasks=${BENCH_TASKS:-500}
runs=${BENCH_RUNS:-5}
changes=${BENCH_CHANGES:-20}
web=${BENCH_WEB_DIR:-$build/web}
base="http://127.0.0.1:$port"
[ -f "$web/index.html" ] || { echo "no web app in $web (build it: node web/tools/build.mjs $web)" >&2; exit 1; }
[ -d web/node_modules/puppeteer-core ] || { echo "web/node_modules is missing: (cd web && npm ci)" >&2; exit 1; }
export ASAN_OPTIONS=detect_leaks=0  # harmless on a release build; a debug (ASan) one is stopped with SIGTERM

make_workdir
cat >"$work/tasklane.yaml" <<YAML
server: { host: 127.0.0.1, port: $port, web_dir: "$web" }
realtime: { host: 127.0.0.1, port: $((port + 1)) }
database: { url: "sqlite://$work/data/tasklane.db" }
plugins: { dir: "$build/plugins", enabled: [auth, tasks, notifications] }
logging: { level: warn }
security: { rate_limits: { enabled: false } }
auth:
  jwt_secret: "bench-secret-0123456789-abcdefghijklmnopqrstu"
  access_ttl: 1h
  password: { ops_limit: 1, mem_limit: 8MiB }
  bootstrap_admin: { username: root, email: root@example.com, password: $bench_password }
YAML
serve_bench "$work/tasklane.yaml" "$base"
token=$(admin_token "$base" "$bench_password")

# $tasks tasks over the workflow's statuses, with priorities, tags and due dates.
statuses=$(curl -sf "$base/api/v1/meta" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["workflow"]["statuses"]))')
python3 - "$tasks" "$statuses" >"$work/tasks.csv" <<'PY'
import sys
count, statuses = int(sys.argv[1]), sys.argv[2].split()
prios = ["low", "medium", "high", "urgent"]
rows = ["title,description,priority,tags,due_date,status"]
for i in range(count):
    rows.append(f"Board task {i},Benchmark task {i},{prios[i % 4]},team-{i % 5} web,2027-02-{1 + i % 28:02d},{statuses[i % len(statuses)]}")
sys.stdout.write("\r\n".join(rows) + "\r\n")
PY
curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' --data-binary @"$work/tasks.csv" \
  "$base/api/v1/tasks/import" >/dev/null

export BENCH_URL=$base BENCH_USER=root BENCH_PASSWORD=$bench_password
{
  node bench/web/bundle_size.mjs "$web"
  node bench/web/board_tti.mjs "$runs"
  node bench/web/live_latency.mjs "$changes"
} >"$work/results.tsv"

echo "web app: $(basename "$build"), $tasks tasks, Chromium $("${BENCH_CHROMIUM:-/usr/bin/chromium}" --version 2>/dev/null | awk '{print $2}')"
awk -F'\t' '{ rows[NR] = $0; if (length($1) > w) w = length($1) }
  END { printf "%-" w "s  %s\n", "measure", "value"; for (i = 1; i <= NR; i++) { split(rows[i], f, "\t"); printf "%-" w "s  %s\n", f[1], f[2] } }' \
  "$work/results.tsv"
