#!/usr/bin/env bash
# Regenerates the config reference in README.md from the schemas (core and
# every plugin in config/reference.yaml's plugins.enabled). Usage:
#   scripts/update-config-reference.sh [BUILD_DIR]        rewrite README.md
#   scripts/update-config-reference.sh --check BUILD_DIR  exit 1 if README.md is stale
set -euo pipefail
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
build=${1:-build}
reference=$(TASKLANE_PLUGIN_DIR="$build/plugins" "$build/tasklane" config-reference --config config/reference.yaml)
python3 - "$check" "$reference" <<'PY'
import re, sys
check, reference = sys.argv[1] == "1", sys.argv[2]
text = open("README.md").read()
pattern = re.compile(r"(<!-- config-reference:begin[^>]*-->\n).*?(<!-- config-reference:end -->)", re.S)
updated = pattern.sub(lambda m: m.group(1) + reference.strip() + "\n" + m.group(2), text)
if check:
    if updated != text:
        sys.exit("README.md config reference is stale: run scripts/update-config-reference.sh")
    sys.exit(0)
open("README.md", "w").write(updated)
PY
