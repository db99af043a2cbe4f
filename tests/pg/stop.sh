#!/usr/bin/env bash
# Stops the cluster tests/pg/start.sh started and removes its files
# (with --keep it only stops it, so start.sh brings it back with its data).
set -euo pipefail
dir=${TASKLANE_PG_DIR:-/tmp/tasklane-test-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  as_owner=(runuser -u postgres --)
fi
if [ -n "$bin" ] && [ -d "$dir/data" ]; then
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
fi
if [ "${1:-}" != "--keep" ]; then
  rm -rf "$dir"
fi
echo "PostgreSQL stopped"
