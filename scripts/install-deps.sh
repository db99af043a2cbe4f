#!/usr/bin/env bash
# Installs the Debian 12 packages Tasklane builds and tests with (DESIGN.md
# section 2), skipping what is already installed. Needs root or sudo.
set -euo pipefail
packages=(
  build-essential cmake pkg-config git curl ca-certificates
  libpistache-dev libboost-dev libboost-filesystem-dev libboost-system-dev
  libsoci-dev libpq-dev libsqlite3-dev liblua5.4-dev libyaml-cpp-dev libspdlog-dev
  nlohmann-json3-dev libjwt-dev libsodium-dev libcurl4-openssl-dev
  nodejs npm
)
if [ "${1:-}" = "--test" ]; then
  packages+=(googletest libgtest-dev libbenchmark-dev postgresql wrk python3-aiosmtpd)
  # tests/deploy/check_deploy_files.sh: nginx -t, systemd-analyze, docker-compose
  # config, promtool (package prometheus), backups with sqlite3 and python3.
  packages+=(nginx-light openssl systemd docker-compose prometheus sqlite3 python3 python3-yaml)
  # tests/browser: the web app in a real headless browser (puppeteer-core from
  # web/node_modules drives it); a font so screenshots show text.
  packages+=(chromium fonts-dejavu-core)
fi
missing=()
for p in "${packages[@]}"; do
  # Node.js from elsewhere (e.g. NodeSource, which bundles npm) serves as well.
  case "$p" in nodejs|npm) command -v "${p/nodejs/node}" >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
