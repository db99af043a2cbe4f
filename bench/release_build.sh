# Sourced by the bench scripts: `release_build DIR` configures and builds a
# Release tree (without tests) in DIR unless its server binary exists.
release_build() {
  if [ ! -x "$1/tasklane" ]; then
    cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DTASKLANE_BUILD_TESTS=OFF >/dev/null
    cmake --build "$1" -j"$(nproc)" >/dev/null
  fi
}
