#!/usr/bin/env bash
# Installs the SDK from a build tree, builds sdk/examples/hello out of tree
# with find_package(TasklaneSDK), and has the server load the result.
# Usage: out_of_tree.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/tasklane/sdk/sdk.hpp"
test -f "$work/prefix/lib/cmake/TasklaneSDK/TasklaneSDKConfig.cmake"

# A plain third-party build: no sanitizers, nothing from the core's tree.
cmake -S "$source/sdk/examples/hello" -B "$work/hello" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/hello" >/dev/null
test -f "$work/hello/hello.so"

# Hidden visibility: the entry points are exported, the plugin's own code is not
# (SDK interface typeinfo stays visible on purpose, see sdk/export.hpp).
symbols=$(nm -D --defined-only "$work/hello/hello.so" | awk '{print $3}')
for entry in tasklane_sdk_handshake tasklane_sdk_create_plugin; do
  grep -qx "$entry" <<<"$symbols" || { echo "entry point $entry is not exported" >&2; exit 1; }
done
if grep -q '5hello' <<<"$symbols"; then
  echo "the plugin's own symbols leak out of hello.so:" >&2
  grep '5hello' <<<"$symbols" >&2
  exit 1
fi

cat >"$work/tasklane.yaml" <<YAML
database: { url: "sqlite://$work/data/tasklane.db" }
plugins: { dir: "$work/hello", enabled: [hello] }
YAML
"$build/tasklane" check-config "$work/tasklane.yaml"
"$build/tasklane" migrate --config "$work/tasklane.yaml" | grep -q "applied hello/1 greetings"
echo "out-of-tree plugin built with find_package(TasklaneSDK) and loaded"
