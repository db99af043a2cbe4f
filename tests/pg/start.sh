#!/usr/bin/env bash
# Starts a private PostgreSQL cluster on 127.0.0.1 for the test suite (a ctest
# fixture runs this before the PostgreSQL tests and tests/pg/stop.sh after).
# PostgreSQL refuses to run as root, so as root the cluster runs as `postgres`.
set -euo pipefail
dir=${TASKLANE_PG_DIR:-/tmp/tasklane-test-pg}
port=${TASKLANE_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2
  exit 1
fi
as_owner=()
if [ "$(id -u)" = 0 ]; then
  as_owner=(runuser -u postgres --)
fi
# A server already answering on the port (a developer's long-lived test
# cluster) is reused; stop.sh only stops the cluster that lives in $dir.
if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "PostgreSQL already running on 127.0.0.1:$port; reusing it"
  exit 0
fi
# A cluster stopped with `stop.sh --keep` is started again with its data.
if [ ! -f "$dir/data/PG_VERSION" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" --auth=trust -U postgres -E UTF8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
fi
# fsync off: a test cluster need not survive a power cut, and it halves test time.
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }
echo "PostgreSQL started in $dir on 127.0.0.1:$port"
