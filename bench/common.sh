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
