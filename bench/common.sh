# Sourced by the bench scripts.

# `release_build DIR` configures a Release tree (without tests, with the
# bench programs) in DIR and brings it up to date, so a benchmark never runs
# a stale binary.
release_build() {
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DTASKLANE_BUILD_TESTS=OFF -DTASKLANE_BUILD_BENCH=ON >/dev/null
  cmake --build "$1" -j"$(nproc)" >/dev/null
}

# `wait_ready BASE_URL PID LOG`: returns once BASE_URL/health/ready answers
# 200; exits the script (showing LOG) when PID dies or 10 s pass.
wait_ready() {
  local base=$1 pid=$2 log=$3
  for _ in $(seq 1000); do
    curl -sf "$base/health/ready" >/dev/null && return
    kill -0 "$pid" 2>/dev/null || { echo "server exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.01
  done
  echo "server not ready after 10 s" >&2
  exit 1
}

# `make_workdir`: a temporary directory in $work, removed at exit together
# with the server whose process id the script keeps in $pid.
make_workdir() {
  work=$(mktemp -d)
  pid=
  trap remove_workdir EXIT
}
remove_workdir() {
  if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}

# `serve_bench CONFIG BASE_URL`: `tasklane serve` from $build on CONFIG in the
# background ($pid, log in $work/server.log) until BASE_URL is ready.
serve_bench() {
  "$build/tasklane" serve --config "$1" >"$work/server.log" 2>&1 &
  pid=$!
  wait_ready "$2" "$pid" "$work/server.log"
}

# `admin_token BASE_URL PASSWORD`: an access token of the bootstrap
# administrator "root" (the configs here create it with PASSWORD).
admin_token() {
  curl -sf "$1/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"root\",\"password\":\"$2\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# `bench_config PORT PLUGINS [YAML]`: $work/tasklane.yaml for a server on
# 127.0.0.1:PORT (feeds on PORT + 1) with SQLite in $work, the plugins of the
# list PLUGINS ("auth, tasks"), no rate limits (load from one address is not
# abuse here), a cheap password hash and the administrator "root" with the
# password $bench_password; YAML is appended.
bench_password="root-password"
bench_config() {
  cat >"$work/tasklane.yaml" <<YAML
server: { host: 127.0.0.1, port: $1 }
realtime: { host: 127.0.0.1, port: $(($1 + 1)) }
database: { url: "sqlite://$work/data/tasklane.db" }
plugins: { dir: "$build/plugins", enabled: [$2] }
logging: { level: warn }
security: { rate_limits: { enabled: false } }
auth:
  jwt_secret: "bench-secret-0123456789-abcdefghijklmnopqrstu"
  access_ttl: 1h
  password: { ops_limit: 1, mem_limit: 8MiB }
  bootstrap_admin: { username: root, email: root@example.com, password: $bench_password }
${3:-}
YAML
}

# `kib FIELD`: a /proc/$pid/status memory field (VmRSS, VmHWM) in KiB.
# `echo 5 > /proc/$pid/clear_refs` resets VmHWM (the peak) to the current RSS.
kib() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$pid/status"; }
