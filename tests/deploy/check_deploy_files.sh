#!/usr/bin/env bash
# Checks the files in deploy/ (issue 8) with the real tools, and runs them:
#
#   tests/deploy/check_deploy_files.sh [TASKLANE_BINARY [PLUGIN_DIR]]
#
#  1. nginx: `nginx -t` on deploy/nginx.conf (throwaway self-signed certificate,
#     temp prefix/pid/logs: no root, no port bound) with both upstream files;
#     then, with a binary, a live run: Tasklane on deploy/production.yaml
#     (migrated first, as the upgrade procedure says) behind nginx on free
#     ports, checked over HTTPS for /api, /health/ready, /ws/ (a real WebSocket
#     handshake with a token) and the limits.
#  2. systemd: `systemd-analyze verify` on the units (ExecStart pointed at the
#     built binary; any output is a failure) and `systemd-analyze security`.
#  3. docker-compose.yml: `docker-compose config -q` (Debian's docker-compose,
#     no daemon needed) and a structural check in python3; the Dockerfile's
#     stages, user, ports and health check, and its runtime packages against the
#     libraries the binary and plugins link; .dockerignore.
#  4. deploy/prometheus/alerts.yml: structure, `promtool check rules`,
#     `promtool test rules` (tests/deploy/alerts_test.yml) and every metric it
#     uses against the live /metrics.
#  5. deploy/backup: backup/restore round trips on SQLite (both tools, with a
#     writer running during the backup, and the live server's database) and on
#     PostgreSQL ($TASKLANE_TEST_PG_URL, a scratch database), no password printed.
#
# Without a binary the live parts are skipped (and said so). Tools come from
# scripts/install-deps.sh --test. Ends with "N passed, N failed"; exit 1 on any failure.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
deploy=$root/deploy
binary=${1:-${TASKLANE_BINARY:-}}
plugin_dir=${2:-${TASKLANE_PLUGIN_DIR:-}}
if [ -n "$binary" ] && [ -z "$plugin_dir" ]; then plugin_dir=$(dirname "$binary")/plugins; fi
# Absolute: the binary runs from other directories and ExecStart needs an absolute path.
[ -z "$binary" ] || binary=$(realpath "$binary")
[ -z "$plugin_dir" ] || plugin_dir=$(realpath "$plugin_dir")
if [ -n "$binary" ] && [ ! -x "$binary" ]; then
  echo "no executable at $binary" >&2
  exit 1
fi
pg_base=${TASKLANE_TEST_PG_URL:-postgresql://postgres@127.0.0.1:55432/postgres}

work=$(mktemp -d /tmp/tasklane-deploy-check.XXXXXX)
chmod 0755 "$work"
passed=0
failed=0
failures=()
server_pid=""
nginx_pid=""
writer_pid=""
pg_scratch=""

cleanup() {
  local pid
  for pid in "$nginx_pid" "$writer_pid" "$server_pid"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  if [ -n "$pg_scratch" ]; then
    psql -q -X "$pg_base" -c "DROP DATABASE IF EXISTS $pg_scratch" >/dev/null 2>&1
  fi
  if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

ok() { printf 'ok    %-4s %s\n' "${SECONDS}s" "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL  %-4s %s\n' "${SECONDS}s" "$*" >&2; failed=$((failed + 1)); failures+=("$*"); }
note() { echo "note  $*"; }
section() { echo; echo "== $*"; }
# check NAME COMMAND...: ok when the command succeeds; on failure its output is shown.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$name"; else fail "$name"; printf '%s\n' "$out" | sed 's/^/      /' >&2; fi
}
need() {
  command -v "$1" >/dev/null || { fail "$1 is not installed (scripts/install-deps.sh --test installs it)"; return 1; }
}

# A python3 with PyYAML (python3-yaml).
py=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml, sqlite3' 2>/dev/null; then py=$candidate; break; fi
done
[ -n "$py" ] || fail "python3 with PyYAML is not installed (python3-yaml)"

free_port() { "${py:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# replace_once FILE FROM TO: the check must fail loudly when a path it
# substitutes no longer appears in the deploy file (it would test nothing).
replace_once() {
  local file=$1 from=$2 to=$3 text
  grep -qF -- "$from" "$file" || { echo "'$from' not found in $file"; return 1; }
  text=$(<"$file")
  printf '%s\n' "${text//"$from"/"$to"}" >"$file"
}

# ---------------------------------------------------------------- nginx -t
section "nginx"
tls=$work/tls
ngx=$work/nginx
mkdir -p "$tls" "$ngx/tmp" "$ngx/logs"
nginx_ready=false
if need nginx && need openssl; then
  if openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=tasks.example.com" \
       -addext "subjectAltName=DNS:tasks.example.com,DNS:localhost,IP:127.0.0.1" \
       -keyout "$tls/privkey.pem" -out "$tls/fullchain.pem" >/dev/null 2>&1; then
    ok "throwaway self-signed certificate"
  else
    fail "openssl could not make a self-signed certificate"
  fi
  # The temp paths nginx was built with must move into the prefix too.
  temp_paths=""
  for kind in client_body proxy fastcgi uwsgi scgi; do
    flag=--http-${kind//_/-}-temp-path
    [ "$kind" = client_body ] && flag=--http-client-body-temp-path
    if nginx -V 2>&1 | grep -q -- "$flag"; then
      temp_paths+="    ${kind}_temp_path $ngx/tmp/$kind;"$'\n'
    fi
  done
  # make_site UPSTREAMS_FILE [HTTP_PORT HTTPS_PORT]: deploy/nginx.conf with the
  # certificate and upstream paths (and for a live run the ports) substituted.
  make_site() {
    local upstreams=$1 http_port=${2:-} https_port=${3:-}
    cp "$deploy/nginx.conf" "$ngx/site.conf" &&
      cp "$upstreams" "$ngx/upstreams.conf" &&
      replace_once "$ngx/site.conf" /etc/ssl/tasklane/fullchain.pem "$tls/fullchain.pem" &&
      replace_once "$ngx/site.conf" /etc/ssl/tasklane/privkey.pem "$tls/privkey.pem" &&
      replace_once "$ngx/site.conf" /etc/nginx/tasklane-upstreams.conf "$ngx/upstreams.conf" || return 1
    if [ -n "$http_port" ]; then
      # IPv6 may be off in a CI sandbox: the live run listens on 127.0.0.1 only.
      replace_once "$ngx/site.conf" "    listen [::]:80;" "" &&
        replace_once "$ngx/site.conf" "    listen [::]:443 ssl http2;" "" &&
        replace_once "$ngx/site.conf" "listen 80;" "listen 127.0.0.1:$http_port;" &&
        replace_once "$ngx/site.conf" "listen 443 ssl http2;" "listen 127.0.0.1:$https_port ssl http2;" || return 1
    fi
    cat >"$ngx/main.conf" <<EOF
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log;
daemon off;
master_process off;
events { worker_connections 256; }
http {
    access_log $ngx/logs/access.log;
$temp_paths    include $ngx/site.conf;
}
EOF
  }
  nginx_t() { nginx -t -q -p "$ngx/" -e "$ngx/logs/error.log" -c "$ngx/main.conf"; }

  if out=$(make_site "$deploy/nginx.upstreams.conf" 2>&1) && out=$(nginx_t 2>&1); then
    ok "nginx -t: deploy/nginx.conf with deploy/nginx.upstreams.conf"
  else
    fail "nginx -t: deploy/nginx.conf with deploy/nginx.upstreams.conf"; printf '%s\n' "$out" | sed 's/^/      /' >&2
  fi
  # The compose upstreams name the node containers, which resolve only on the
  # compose network; nginx resolves at load time, so they become 127.0.0.1 here.
  sed -E 's/server tasklane[0-9]+:/server 127.0.0.1:/' "$deploy/nginx.upstreams.compose.conf" >"$work/compose-upstreams.conf"
  if out=$(make_site "$work/compose-upstreams.conf" 2>&1) && out=$(nginx_t 2>&1); then
    ok "nginx -t: deploy/nginx.conf with deploy/nginx.upstreams.compose.conf"
  else
    fail "nginx -t: deploy/nginx.conf with deploy/nginx.upstreams.compose.conf"; printf '%s\n' "$out" | sed 's/^/      /' >&2
  fi
  # proxy_set_header in a location drops every one set at server level.
  check "nginx.conf: no location overrides the server's proxy_set_header list" "${py:-python3}" - "$deploy/nginx.conf" <<'PY'
import re, sys
text = "".join(line.split("#", 1)[0] for line in open(sys.argv[1]))
stack, statement, bad = [], "", []
for token in re.findall(r"[{};]|[^{};]+", text):
    if token == "{":
        stack.append(statement.split()[0] if statement.split() else "")
        statement = ""
    elif token == "}":
        stack.pop()
        statement = ""
    elif token == ";":
        if statement.split()[:1] == ["proxy_set_header"] and "location" in stack:
            bad.append(" ".join(statement.split()))
        statement = ""
    else:
        statement += token
if bad:
    sys.exit("proxy_set_header inside a location: %s" % bad)
PY
  nginx_ready=true
fi

# ------------------------------------------------------- systemd units
section "systemd"
if need systemd-analyze; then
  units=$work/units
  mkdir -p "$units"
  exec_binary=$binary
  if [ -z "$exec_binary" ]; then
    exec_binary=$(type -P true)
    note "no binary given: ExecStart points at $exec_binary for verify"
  fi
  # verify_unit NAME FILE...: exit 0 and no output at all (systemd-analyze
  # reports unknown keys and bad values as warnings with exit status 0).
  verify_unit() {
    local name=$1 out rc
    shift
    out=$(cd "$units" && systemd-analyze verify --man=no "$@" 2>&1)
    rc=$?
    if [ $rc -eq 0 ] && [ -z "$out" ]; then ok "$name"; else fail "$name"; printf '%s\n' "$out" | sed 's/^/      /' >&2; fi
  }
  cp "$deploy/tasklane.service" "$units/tasklane.service"
  if replace_once "$units/tasklane.service" "ExecStart=/usr/local/bin/tasklane serve" "ExecStart=$exec_binary serve" >/dev/null; then
    verify_unit "systemd-analyze verify deploy/tasklane.service" tasklane.service
    check "systemd-analyze security: tasklane.service exposure at most 2.0" \
      systemd-analyze security --offline=yes --threshold=20 --no-pager "$units/tasklane.service"
  else
    fail "deploy/tasklane.service: ExecStart is not /usr/local/bin/tasklane serve ..."
  fi
  # The negative control: a bad key must make noise, or the check above proves nothing.
  sed 's/^NoNewPrivileges=yes/NoNewPrivileges=yes\nProtectSystem=strickt\nNoSuchKey=1/' "$units/tasklane.service" >"$units/broken.service"
  if [ -n "$(cd "$units" && systemd-analyze verify --man=no broken.service 2>&1)" ]; then
    ok "systemd-analyze verify reports a broken unit (control)"
  else
    fail "systemd-analyze verify stays silent on a broken unit: the unit check is blind"
  fi
  rm -f "$units/broken.service"
  check "tasklane.service has the required settings" "${py:-python3}" - "$deploy/tasklane.service" <<'PY'
import sys
settings = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line and not line.startswith(("#", ";", "[")) and "=" in line:
        key, value = line.split("=", 1)
        settings.setdefault(key, []).append(value)
required = {
    "User": "tasklane", "Group": "tasklane", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
    "ProtectHome": "yes", "PrivateTmp": "yes", "ReadWritePaths": "/var/lib/tasklane",
    "CapabilityBoundingSet": "", "AmbientCapabilities": "", "Restart": "on-failure",
    "LimitNOFILE": "65536", "EnvironmentFile": "/etc/tasklane/tasklane.env",
    "ExecStart": "/usr/local/bin/tasklane serve --config /etc/tasklane/tasklane.yaml",
    "KillSignal": "SIGTERM", "WantedBy": "multi-user.target",
}
problems = ["%s=%s expected, found %s" % (k, v, settings.get(k)) for k, v in required.items()
            if settings.get(k) != [v]]
if any("migrate" in v for k in ("ExecStartPre", "ExecStartPost") for v in settings.get(k, [])):
    problems.append("migrations are a release step, not an ExecStartPre")
sys.exit("\n".join(problems) or None)
PY
  cp "$deploy/backup/tasklane-backup.service" "$deploy/backup/tasklane-backup.timer" "$units/"
  if replace_once "$units/tasklane-backup.service" "ExecStart=/usr/local/lib/tasklane/backup/backup.sh" \
       "ExecStart=$deploy/backup/backup.sh" >/dev/null; then
    verify_unit "systemd-analyze verify deploy/backup/tasklane-backup.{service,timer}" \
      tasklane-backup.service tasklane-backup.timer
    check "systemd-analyze security: tasklane-backup.service exposure at most 2.0" \
      systemd-analyze security --offline=yes --threshold=20 --no-pager "$units/tasklane-backup.service"
  else
    fail "deploy/backup/tasklane-backup.service: ExecStart is not /usr/local/lib/tasklane/backup/backup.sh"
  fi
fi

# ---------------------------------------------- docker compose, Dockerfile
section "docker"
compose=()
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
fi
printf 'POSTGRES_PASSWORD=check-only-password\nTASKLANE_JWT_SECRET=check-only-secret-check-only-secret\n' >"$work/compose.env"
: >"$work/empty.env"
if [ ${#compose[@]} -gt 0 ]; then
  check "${compose[*]} config -q deploy/docker-compose.yml" \
    env -u POSTGRES_PASSWORD -u TASKLANE_JWT_SECRET \
    "${compose[@]}" -f "$deploy/docker-compose.yml" --env-file "$work/compose.env" config -q
  if env -u POSTGRES_PASSWORD -u TASKLANE_JWT_SECRET \
       "${compose[@]}" -f "$deploy/docker-compose.yml" --env-file "$work/empty.env" config -q >/dev/null 2>&1; then
    fail "docker-compose.yml is accepted without POSTGRES_PASSWORD and TASKLANE_JWT_SECRET (secrets must be required)"
  else
    ok "docker-compose.yml refuses to run without its secrets"
  fi
else
  note "neither docker compose nor docker-compose is installed: the compose file gets the python3 check only"
fi
check "docker-compose.yml: services, dependencies, mounts, no literal secrets" "${py:-python3}" - "$deploy" <<'PY'
import os, re, sys, yaml
deploy = sys.argv[1]
doc = yaml.safe_load(open(os.path.join(deploy, "docker-compose.yml")))
services = doc.get("services", {})
problems = []
def expect(cond, msg):
    if not cond:
        problems.append(msg)
for name in ("db", "migrate", "tasklane1", "tasklane2", "nginx"):
    expect(name in services, "service %s missing" % name)
if problems:
    sys.exit("\n".join(problems))
db = services["db"]
expect(str(db.get("image", "")).startswith("postgres:15"), "db must be postgres:15")
expect(any(str(v).split(":")[0] in (doc.get("volumes") or {}) and ":/var/lib/postgresql/data" in str(v)
           for v in db.get("volumes", [])), "db needs a named volume on /var/lib/postgresql/data")
expect("pg_isready" in str(db.get("healthcheck", {}).get("test")), "db needs a pg_isready healthcheck")
expect("migrate" in services["migrate"].get("command", []), "the migrate service must run `tasklane migrate`")
expect(services["migrate"].get("restart") in ("no", None), "migrate is a one-shot (restart: \"no\")")
def mounts(service):
    return [str(v) for v in service.get("volumes", [])]
for node in ("tasklane1", "tasklane2"):
    s = services[node]
    expect("build" in s or "image" in s, "%s needs the Dockerfile or its image" % node)
    deps = s.get("depends_on", {})
    expect(isinstance(deps, dict) and deps.get("migrate", {}).get("condition") == "service_completed_successfully",
           "%s must depend on migrate (service_completed_successfully)" % node)
    expect(isinstance(deps, dict) and deps.get("db", {}).get("condition") == "service_healthy",
           "%s must depend on a healthy db" % node)
    config = [m for m in mounts(s) if ":/etc/tasklane/tasklane.yaml" in m]
    expect(len(config) == 1 and config[0].endswith(":ro"), "%s must mount its config read-only" % node)
    for m in config:
        src = os.path.normpath(os.path.join(deploy, m.split(":")[0]))
        expect(os.path.isfile(src), "%s mounts %s, which does not exist" % (node, src))
    env = s.get("environment", {})
    expect(isinstance(env, dict) and "TASKLANE_DB_URL" in env and "TASKLANE_JWT_SECRET" in env,
           "%s needs TASKLANE_DB_URL and TASKLANE_JWT_SECRET" % node)
nginx = services["nginx"]
nginx_mounts = mounts(nginx)
for wanted in ("./nginx.conf:/etc/nginx/conf.d/", ":/etc/nginx/tasklane-upstreams.conf", ":/etc/ssl/tasklane"):
    expect(any(wanted in m for m in nginx_mounts), "nginx must mount %s" % wanted)
expect(all(m.endswith(":ro") for m in nginx_mounts), "nginx mounts must be read-only")
for m in nginx_mounts:
    src = m.split(":")[0]
    if src.endswith(".conf"):
        expect(os.path.isfile(os.path.join(deploy, src)), "nginx mounts %s, which does not exist" % src)
# The upstream file names the node services, on the ports the nodes listen on.
upstream_src = [m.split(":")[0] for m in nginx_mounts if ":/etc/nginx/tasklane-upstreams.conf" in m]
if upstream_src:
    text = open(os.path.join(deploy, upstream_src[0])).read()
    servers = set(re.findall(r"^\s*server\s+([\w.-]+:\d+)", text, re.M))
    expect(servers == {"tasklane1:8080", "tasklane2:8080", "tasklane1:8081", "tasklane2:8081"},
           "nginx upstreams %s do not match the node services" % sorted(servers))
# Secrets only as ${...} references.
for name, s in services.items():
    env = s.get("environment", {})
    if isinstance(env, dict):
        items = list(env.items())
    else:
        items = [tuple((e.split("=", 1) + [""])[:2]) for e in env]
    for key, value in items:
        value = str(value)
        if re.search(r"PASSWORD|SECRET|TOKEN|KEY", key) and value and "${" not in value:
            problems.append("%s: %s is a literal; take it from the environment" % (name, key))
        if "postgresql://" in value and re.search(r"://[^:/@]+:(?!\$\{)[^@]+@", value):
            problems.append("%s: %s has a literal password" % (name, key))
sys.exit("\n".join(problems) or None)
PY

check "Dockerfile: build and runtime stages, user, ports, health check" "${py:-python3}" - "$root/Dockerfile" <<'PY'
import re, sys
text = re.sub(r"\\\n", " ", open(sys.argv[1]).read())
lines = [l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#")]
stages, current = [], None
for l in lines:
    word = l.split()[0].upper()
    if word == "FROM":
        current = {"from": l.split()[1:], "lines": []}
        stages.append(current)
    elif current is not None:
        current["lines"].append(l)
problems = []
def expect(cond, msg):
    if not cond:
        problems.append(msg)
expect(len(stages) >= 2, "a multi-stage build is expected")
if len(stages) >= 2:
    build, runtime = stages[0], stages[-1]
    expect(build["from"][0] == "debian:12" and [w.lower() for w in build["from"][1:]] == ["as", "build"],
           "the first stage is FROM debian:12 AS build")
    body = "\n".join(build["lines"])
    expect("scripts/install-deps.sh" in body, "the build stage installs its packages with scripts/install-deps.sh")
    expect("CMAKE_BUILD_TYPE=Release" in body, "the build is a cmake Release build")
    expect(runtime["from"][0] == "debian:12-slim", "the runtime stage is FROM debian:12-slim")
    rt = "\n".join(runtime["lines"])
    users = [l.split()[1] for l in runtime["lines"] if l.upper().startswith("USER ")]
    expect(users and users[-1] not in ("root", "0") and not users[-1].startswith("0:"), "the runtime runs as a non-root USER")
    ports = set(w for l in runtime["lines"] if l.upper().startswith("EXPOSE ") for w in l.split()[1:])
    expect({"8080", "8081"} <= ports, "EXPOSE 8080 8081")
    expect(re.search(r"^HEALTHCHECK .*curl .*/health/ready", rt, re.M), "HEALTHCHECK curls /health/ready")
    expect(re.search(r"COPY --from=build \S*tasklane ", rt), "the runtime copies the binary from the build stage")
    expect(re.search(r"COPY --from=build \S*plugins", rt), "the runtime copies the plugins from the build stage")
    expect(re.search(r"COPY --from=build \S*web/docs", rt), "the runtime copies the browser assets (web/docs)")
    expect(re.search(r"COPY --from=build \S*web/assets", rt) and re.search(r"COPY --from=build \S*web/index.html", rt),
           "the runtime copies the web app (web/index.html, web/assets)")
    expect("build-essential" not in rt and "-dev" not in rt, "the runtime installs no build packages")
sys.exit("\n".join(problems) or None)
PY

# The runtime stage's apt-get install line, as package names.
runtime_packages() {
  "${py:-python3}" - "$root/Dockerfile" <<'PY'
import re, sys
text = re.sub(r"\\\n", " ", open(sys.argv[1]).read())
runtime = text.split("\nFROM ")[-1]
for cmd in re.findall(r"apt-get install ([^&\n]*)", runtime):
    for word in cmd.split():
        if not word.startswith("-"):
            print(word)
PY
}
if [ -n "$binary" ]; then
  # Every library the binary and the plugins link directly comes from a package
  # the runtime stage installs (or from debian:12-slim itself).
  check "Dockerfile: the runtime packages provide every library the binary and plugins link" \
    "${py:-python3}" - "$(runtime_packages)" "$binary" "$plugin_dir" <<'PY'
import glob, os, re, subprocess, sys
listed = set(sys.argv[1].split())
files = [sys.argv[2]] + sorted(glob.glob(os.path.join(sys.argv[3], "*.so")))
base = {"libc6", "libgcc-s1", "libstdc++6"}          # in debian:12-slim already
skip = re.compile(r"^(libasan|libubsan|libtsan|liblsan|ld-linux)")   # sanitizer builds, the loader
def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout
problems = []
status = run("dpkg-query", "-W", "-f=${Package} ${Status}\n", *sorted(listed))
installed = {l.split()[0] for l in status.splitlines() if l.endswith("install ok installed")}
problems += ["%s is not a Debian package installed here (a typo?)" % p for p in sorted(listed - installed)]
needed = {}     # soname -> the file that needs it
paths = {}      # soname -> where the loader finds it
for f in files:
    for so in re.findall(r"^\s*NEEDED\s+(\S+)", run("objdump", "-p", f), re.M):
        if not skip.match(so):
            needed.setdefault(so, os.path.basename(f))
    for so, path in re.findall(r"^\s*(\S+) => (/\S+)", run("ldd", f), re.M):
        paths.setdefault(so, path)
candidates = {}
for so in needed:
    path = paths.get(so)
    if not path:
        problems.append("%s (%s): the loader does not find it" % (so, needed[so]))
        continue
    for c in {path, os.path.realpath(path), "/usr" + path, path[4:] if path.startswith("/usr/") else path}:
        candidates[c] = so
owner = {}
for line in run("dpkg", "-S", *sorted(candidates)).splitlines():
    pkgs, _, path = line.partition(": ")
    if path in candidates:
        owner.setdefault(candidates[path], {p.strip().split(":")[0] for p in pkgs.split(",")})
for so in sorted(needed):
    if so not in paths:
        continue
    pkgs = owner.get(so)
    if not pkgs:
        problems.append("%s (%s): no package owns %s" % (so, needed[so], paths[so]))
    elif not pkgs & (listed | base):
        problems.append("%s (%s) needs %s in the runtime stage" % (so, needed[so], " or ".join(sorted(pkgs))))
sys.exit("\n".join(problems) or None)
PY
else
  note "no binary given: the Dockerfile's runtime libraries are not compared with what it links"
fi

check ".dockerignore: build trees, data and node_modules out, the sources in" "${py:-python3}" - "$root/.dockerignore" <<'PY'
import fnmatch, sys
patterns = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
def matches(pattern, path):
    # Docker: a pattern matches the path or any of its parent directories; ** spans directories.
    parts = path.split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        if fnmatch.fnmatchcase(prefix, pattern) or (pattern.startswith("**/") and
                any(fnmatch.fnmatchcase("/".join(parts[j:i]), pattern[3:]) for j in range(i))):
            return True
    return False
def excluded(path):
    result = False
    for p in patterns:
        if p.startswith("!"):
            if matches(p[1:], path):
                result = False
        elif matches(p, path):
            result = True
    return result
must_go = ["build/tasklane", "build-release/CMakeCache.txt", "data/tasklane.db", "web/node_modules/x/index.js",
           "node_modules/x", ".git/HEAD", "deploy/.env", "deploy/certs/privkey.pem"]
must_stay = ["CMakeLists.txt", "cmake/TasklaneDependencies.cmake", "core/CMakeLists.txt", "core/src/main.cpp",
             "sdk/CMakeLists.txt", "rules/CMakeLists.txt", "plugins/CMakeLists.txt", "schema/sqlite",
             "config/tasklane.yaml", "scripts/install-deps.sh", "deploy/production.yaml", "Dockerfile"]
problems = ["%s is not excluded" % p for p in must_go if not excluded(p)]
problems += ["%s is excluded but the build needs it" % p for p in must_stay if excluded(p)]
sys.exit("\n".join(problems) or None)
PY

# ------------------------------------------------ production config, live run
section "production config and a live run behind nginx"
live=false
if [ -n "$binary" ]; then
  export TASKLANE_PLUGIN_DIR=$plugin_dir
  prod_env=(TASKLANE_DB_URL="sqlite://$work/live/tasklane.db" TASKLANE_JWT_SECRET=check-only-secret-check-only-secret-0123
            TASKLANE_PUBLIC_WS_URL=wss://localhost/ws TASKLANE_HOST=127.0.0.1 TASKLANE_LOG_LEVEL=info
            TASKLANE_ATTACHMENTS_DIR="$work/live/attachments")
  web_dir=$(dirname "$binary")/web
  if [ -f "$web_dir/docs/index.html" ]; then
    prod_env+=(TASKLANE_WEB_DIR="$web_dir")
  else
    web_dir=""
    note "no $(dirname "$binary")/web/docs: /docs is not checked"
  fi
  mkdir -p "$work/live"
  check "tasklane check-config deploy/production.yaml" env "${prod_env[@]}" "$binary" check-config "$deploy/production.yaml"
  if env -u TASKLANE_DB_URL -u TASKLANE_JWT_SECRET TASKLANE_PUBLIC_WS_URL=wss://localhost/ws "$binary" check-config "$deploy/production.yaml" >/dev/null 2>&1; then
    fail "deploy/production.yaml is valid without TASKLANE_DB_URL and TASKLANE_JWT_SECRET (secrets must come from the environment)"
  else
    ok "deploy/production.yaml refuses to start without its secrets"
  fi
  http_port=$(free_port)
  ws_port=$(free_port)
  prod_env+=(TASKLANE_PORT="$http_port" TASKLANE_REALTIME_PORT="$ws_port")
  prod=(env "${prod_env[@]}" "$binary")
  cfg=(--config "$deploy/production.yaml")
  # The upgrade procedure: status, migrate, status.
  if out=$(cd "$work/live" && "${prod[@]}" migrate "${cfg[@]}" --status 2>&1) && grep -q '^pending ' <<<"$out"; then
    ok "tasklane migrate --status lists the pending migrations of a new database"
  else
    fail "tasklane migrate --status on a new database"; printf '%s\n' "$out" | sed 's/^/      /' >&2
  fi
  check "tasklane migrate applies them" bash -c 'cd "$1" && shift && "$@"' _ "$work/live" "${prod[@]}" migrate "${cfg[@]}"
  if out=$(cd "$work/live" && "${prod[@]}" migrate "${cfg[@]}" --status 2>&1) && grep -q '^0 pending' <<<"$out"; then
    ok "tasklane migrate --status: 0 pending"
  else
    fail "tasklane migrate --status after migrate"; printf '%s\n' "$out" | sed 's/^/      /' >&2
  fi
  check "tasklane user create --admin (the first administrator)" bash -c 'cd "$1" && shift && "$@"' _ "$work/live" \
    "${prod[@]}" user create "${cfg[@]}" --admin --username checker --email checker@example.com --password 'check-only-password-1'
  (cd "$work/live" && exec "${prod[@]}" serve "${cfg[@]}") >"$work/live/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "http://127.0.0.1:$http_port/health/ready" 2>/dev/null && { live=true; break; }
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  if $live; then
    ok "tasklane serve on deploy/production.yaml is ready"
  else
    fail "tasklane serve on deploy/production.yaml did not become ready"; tail -n 20 "$work/live/server.log" | sed 's/^/      /' >&2
  fi
fi

if $live && $nginx_ready; then
  nginx_http=$(free_port)
  nginx_https=$(free_port)
  printf 'upstream tasklane_http { server 127.0.0.1:%s; keepalive 8; }\nupstream tasklane_ws { server 127.0.0.1:%s; }\nupstream tasklane_files { server 127.0.0.1:%s; }\n' \
    "$http_port" "$ws_port" "$http_port" >"$work/live-upstreams.conf"
  if out=$(make_site "$work/live-upstreams.conf" "$nginx_http" "$nginx_https" 2>&1) && out=$(nginx_t 2>&1); then
    nginx -p "$ngx/" -e "$ngx/logs/error.log" -c "$ngx/main.conf" >"$ngx/logs/stdout.log" 2>&1 &
    nginx_pid=$!
    for _ in $(seq 1 50); do
      curl -ks -o /dev/null "https://127.0.0.1:$nginx_https/health" && break
      sleep 0.2
    done
    base=https://127.0.0.1:$nginx_https
    status() { curl -ks -o /dev/null -w '%{http_code}' "$@"; }
    [ "$(status "$base/health/ready")" = 200 ] && ok "nginx -> /health/ready: 200" || fail "nginx -> /health/ready is not 200"
    [ "$(status "$base/api/v1/meta")" = 200 ] && ok "nginx -> /api/v1/meta: 200" || fail "nginx -> /api/v1/meta is not 200"
    [ "$(status "http://127.0.0.1:$nginx_http/api/v1/meta")" = 301 ] && ok "plain HTTP is redirected to HTTPS" ||
      fail "plain HTTP is not redirected to HTTPS"
    if curl -ksI "$base/health" | grep -qi '^strict-transport-security: max-age='; then
      ok "HSTS on HTTPS responses"
    else
      fail "no Strict-Transport-Security on HTTPS responses"
    fi
    [ "$(status --interface 127.0.0.2 "$base/metrics")" = 403 ] && ok "/metrics is refused to other addresses" ||
      fail "/metrics is served to any address through nginx"
    if [ -n "$web_dir" ]; then
      [ "$(status "$base/docs")" = 200 ] && ok "nginx -> /docs (server.web_dir): 200" || fail "nginx -> /docs is not 200"
      [ "$(status "$base/tasks/5")" = 200 ] && ok "nginx -> the web app on an app route: 200" ||
        fail "nginx -> /tasks/5 is not the web app"
      asset=$(curl -ks "$base/" | grep -o '/assets/app-[A-Za-z0-9_-]*\.js' | head -1)
      # A GET (Tasklane answers HEAD with 405), headers only.
      if [ -n "$asset" ] && curl -ks -D - -o /dev/null "$base$asset" | grep -qi '^cache-control: public, max-age=31536000, immutable'; then
        ok "nginx -> $asset: cached for good"
      else
        fail "nginx does not serve the web app's script ($asset) with an immutable Cache-Control"
      fi
    fi
    head -c $((3 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$work/big.json"
    [ "$(status -X POST -H 'Content-Type: application/json' --data-binary @"$work/big.json" "$base/api/v1/auth/login")" = 413 ] &&
      ok "a 3 MiB body is 413 at nginx" || fail "a 3 MiB body is not refused with 413"
    # A real WebSocket handshake through nginx on /ws/tasks, with a token.
    token=$(curl -ks -H 'Content-Type: application/json' "$base/api/v1/auth/login" \
      -d '{"username":"checker","password":"check-only-password-1"}' |
      "${py:-python3}" -c 'import json, sys; print(json.load(sys.stdin).get("access_token", ""))' 2>/dev/null)
    if [ -z "$token" ]; then
      fail "login through nginx returned no access token"
    else
      check "WebSocket /ws/tasks through nginx: 101 and connection_established" "${py:-python3}" - "$nginx_https" "$token" <<'PY'
import base64, json, os, socket, ssl, sys
port, token = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
sock = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10), server_hostname="localhost")
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall(("GET /ws/tasks?token=%s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (token, key)).encode())
data = b""
while b"\r\n\r\n" not in data:
    chunk = sock.recv(4096)
    if not chunk:
        break
    data += chunk
head, _, rest = data.partition(b"\r\n\r\n")
status = head.split(b"\r\n")[0].decode()
if " 101 " not in status + " ":
    sys.exit("handshake answered %r" % status)
def read(n):
    global rest
    while len(rest) < n:
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit("connection closed before the first frame")
        rest += chunk
    out, rest = rest[:n], rest[n:]
    return out
b0, b1 = read(2)
length = b1 & 0x7F
if length == 126:
    length = int.from_bytes(read(2), "big")
elif length == 127:
    length = int.from_bytes(read(8), "big")
frame = json.loads(read(length))
if frame.get("type") != "connection_established":
    sys.exit("first frame %r" % frame)
PY
    fi
  else
    fail "nginx with the live upstreams"; printf '%s\n' "$out" | sed 's/^/      /' >&2
  fi
elif [ -z "$binary" ]; then
  note "no binary given: no live run (production config, nginx proxying, SIGTERM, live backup, /metrics)"
fi

# --------------------------------------------------- Prometheus alert rules
section "prometheus alerts"
alerts=$deploy/prometheus/alerts.yml
check "alerts.yml: groups of rules with alert, expr, severity and summary" "${py:-python3}" - "$alerts" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
problems, names = [], set()
groups = doc.get("groups") if isinstance(doc, dict) else None
if not isinstance(groups, list) or not groups:
    sys.exit("no groups")
for g in groups:
    if not g.get("name") or not isinstance(g.get("rules"), list) or not g["rules"]:
        problems.append("group %r needs a name and rules" % g.get("name"))
        continue
    for r in g["rules"]:
        name = r.get("alert")
        if not name or not isinstance(r.get("expr"), str):
            problems.append("rule %r needs alert and expr" % r)
            continue
        if name in names:
            problems.append("alert %s is defined twice" % name)
        names.add(name)
        if r.get("labels", {}).get("severity") not in ("critical", "warning", "info"):
            problems.append("%s: labels.severity must be critical, warning or info" % name)
        if not r.get("annotations", {}).get("summary"):
            problems.append("%s: annotations.summary missing" % name)
for wanted in ("TasklaneNodeDown", "TasklaneHigh5xxRate", "TasklaneSlowRequests", "TasklaneDeadJobs",
               "TasklaneJobsLagging", "TasklaneDbPoolSaturated", "TasklaneWebSocketClientsTooSlow",
               "TasklaneFileDescriptorsRunningOut"):
    if wanted not in names:
        problems.append("alert %s missing" % wanted)
sys.exit("\n".join(problems) or None)
PY
if command -v promtool >/dev/null; then
  check "promtool check rules deploy/prometheus/alerts.yml" promtool check rules "$alerts"
  mkdir -p "$work/promtool"
  cp "$root/tests/deploy/alerts_test.yml" "$work/promtool/"
  "${py:-python3}" - "$alerts" "$work/promtool/alerts.yml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for g in doc["groups"]:
    for r in g["rules"]:
        r.pop("annotations", None)
yaml.safe_dump(doc, open(sys.argv[2], "w"), sort_keys=False)
PY
  check "promtool test rules tests/deploy/alerts_test.yml" bash -c 'cd "$1" && promtool test rules alerts_test.yml' _ "$work/promtool"
else
  note "promtool is not installed (Debian package prometheus): alerts.yml got the YAML check only"
fi
if $live; then
  curl -fsS "http://127.0.0.1:$http_port/metrics" >"$work/metrics.txt" 2>/dev/null
  check "every metric alerts.yml uses is on a live /metrics" "${py:-python3}" - "$alerts" "$work/metrics.txt" <<'PY'
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
exposed = set()
for line in open(sys.argv[2]):
    if line.strip() and not line.startswith("#"):
        exposed.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
if not exposed:
    sys.exit("/metrics returned no samples")
external = {"up", "probe_success"}   # from Prometheus itself and the blackbox exporter
keywords = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"}
missing = []
for g in doc["groups"]:
    for r in g["rules"]:
        expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', r["expr"])
        expr = re.sub(r"\{[^}]*\}", "", expr)            # label matchers
        expr = re.sub(r"\[[^\]]*\]", "", expr)           # ranges
        expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)
        for name in re.findall(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", expr):
            if name in keywords or name in external:
                continue
            if name not in exposed:
                missing.append("%s: %s" % (r["alert"], name))
sys.exit("\n".join("not on /metrics: " + m for m in missing) or None)
PY
fi

# ------------------------------------------------------- backup and restore
section "backup and restore"
backup_sh=$deploy/backup/backup.sh
restore_sh=$deploy/backup/restore.sh
check "backup.sh and restore.sh parse (bash -n)" bash -n "$backup_sh" "$restore_sh" "$deploy/backup/common.sh"
# The URL parser: the password goes to PGPASSWORD, decoded, and nowhere else.
check "a PostgreSQL password is moved out of the URL" bash -c '
  . "$1"
  parse_db_url "postgresql://tasklane:p%40ss%2Fw%3Ard@db.example:5432/tasklane?sslmode=require"
  [ "$DB_KIND" = postgresql ] || { echo "kind $DB_KIND"; exit 1; }
  [ "$PG_URL" = "postgresql://tasklane@db.example:5432/tasklane?sslmode=require" ] || { echo "url without password: $PG_URL"; exit 1; }
  [ "$PGPASSWORD" = "p@ss/w:rd" ] || { echo "decoded password wrong"; exit 1; }
  unset PGPASSWORD
  parse_db_url "postgres://127.0.0.1/db"
  [ "$PG_URL" = "postgres://127.0.0.1/db" ] && [ -z "${PGPASSWORD:-}" ] || { echo "no-password URL: $PG_URL"; exit 1; }
  parse_db_url "sqlite://./data/tasklane.db"
  [ "$DB_KIND" = sqlite ] && [ "$SQLITE_PATH" = ./data/tasklane.db ] || { echo "sqlite: $SQLITE_PATH"; exit 1; }
' _ "$deploy/backup/common.sh"

# sqlite_dump FILE: the database's content as SQL text, for comparisons.
sqlite_dump() {
  "${py:-python3}" -c 'import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print("\n".join(c.iterdump()))' "$1"
}

sq=$work/sqlite
mkdir -p "$sq"
tools=(python3)
command -v sqlite3 >/dev/null && tools+=(sqlite3) || fail "the sqlite3 CLI is not installed (sqlite3)"
for tool in "${tools[@]}"; do
  db=$sq/$tool.db
  "${py:-python3}" - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
c.execute("CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)")
c.execute("CREATE INDEX tasks_done ON tasks (done)")
c.executemany("INSERT INTO tasks (title, done) VALUES (?, ?)", [("task %d" % i, i % 2) for i in range(2000)])
c.commit()
PY
  # A writer keeps committing while the backup runs, as a live server would.
  "${py:-python3}" - "$db" "$sq/$tool.stop" "$sq/$tool.writing" <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10)
i = 0
while not os.path.exists(sys.argv[2]) and i < 50000:
    c.execute("INSERT INTO tasks (title) VALUES (?)", ("written during the backup %d" % i,))
    c.commit()
    i += 1
    if i == 10:
        open(sys.argv[3], "w").close()
PY
  writer_pid=$!
  for _ in $(seq 1 100); do [ -e "$sq/$tool.writing" ] && break; sleep 0.1; done
  out=$(TASKLANE_SQLITE_TOOL=$tool "$backup_sh" --output "$sq/backups-$tool/" --keep 2 "sqlite://$db" 2>"$sq/$tool.log")
  rc=$?
  touch "$sq/$tool.stop"
  wait "$writer_pid" 2>/dev/null
  writer_pid=""
  if [ $rc -ne 0 ] || [ ! -f "$out" ]; then
    fail "SQLite backup with $tool while a writer commits"; sed 's/^/      /' "$sq/$tool.log" >&2
    continue
  fi
  ok "SQLite backup with $tool while a writer commits ($(basename "$out"))"
  snapshot=$(sqlite_dump "$out")
  rows=$("${py:-python3}" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM tasks").fetchone()[0])' "$out")
  [ "${rows:-0}" -gt 2000 ] && ok "the $tool backup holds the data ($rows rows)" || fail "the $tool backup has $rows rows"
  [ "$(stat -c %a "$out")" = 600 ] && ok "the $tool backup is mode 0600" || fail "the $tool backup is mode $(stat -c %a "$out")"
  # Damage the database, then restore.
  "${py:-python3}" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("DROP TABLE tasks"); c.execute("CREATE TABLE other (x)"); c.commit()' "$db"
  if TASKLANE_SQLITE_TOOL=$tool "$restore_sh" --yes "$out" "sqlite://$db" >"$sq/$tool.restore.log" 2>&1; then
    if [ "$(sqlite_dump "$db")" = "$snapshot" ]; then
      ok "SQLite restore with $tool gives back exactly the backup"
    else
      fail "SQLite restore with $tool: the database differs from the backup"
    fi
    ls "$db".pre-restore-* >/dev/null 2>&1 && ok "the $tool restore kept the replaced database aside" ||
      fail "the $tool restore did not keep the replaced database"
  else
    fail "SQLite restore with $tool"; sed 's/^/      /' "$sq/$tool.restore.log" >&2
  fi
done
if ! "$restore_sh" "$sq/backups-python3/"*.sqlite3 "sqlite://$sq/python3.db" </dev/null >/dev/null 2>&1; then
  ok "restore.sh refuses to run unconfirmed off a terminal"
else
  fail "restore.sh restored without --yes and without a terminal"
fi

# The live server's database, backed up while it runs; then a clean SIGTERM stop.
if $live; then
  if out=$("$backup_sh" --output "$work/live-backup.sqlite3" "sqlite://$work/live/tasklane.db" 2>"$work/live-backup.log"); then
    ok "backup of the running server's SQLite database"
  else
    fail "backup of the running server's SQLite database"; sed 's/^/      /' "$work/live-backup.log" >&2
  fi
  kill -TERM "$server_pid"
  stopped=false
  for _ in $(seq 1 60); do
    kill -0 "$server_pid" 2>/dev/null || { stopped=true; break; }
    sleep 0.5
  done
  if $stopped; then
    wait "$server_pid"
    rc=$?
    server_pid=""
    [ $rc -eq 0 ] && ok "tasklane exits 0 on SIGTERM" || fail "tasklane exited $rc on SIGTERM"
  else
    fail "tasklane did not stop within 30 s of SIGTERM"
  fi
  if [ -f "$work/live-backup.sqlite3" ]; then
    check "restore of the live backup into a new file" "$restore_sh" --yes "$work/live-backup.sqlite3" "sqlite://$work/restored/tasklane.db"
    if out=$(env "${prod_env[@]}" TASKLANE_DB_URL="sqlite://$work/restored/tasklane.db" "$binary" migrate "${cfg[@]}" --status 2>&1) &&
       grep -q '^0 pending' <<<"$out"; then
      ok "the restored database has every migration (tasklane migrate --status)"
    else
      fail "tasklane migrate --status on the restored database"; printf '%s\n' "$out" | sed 's/^/      /' >&2
    fi
  fi
fi

# PostgreSQL: a scratch database on the test cluster.
if need psql && need pg_dump && need pg_restore; then
  if ! psql -q -X "$pg_base" -c 'SELECT 1' >/dev/null 2>&1; then
    fail "PostgreSQL at $pg_base is not reachable (bash tests/pg/start.sh starts the test cluster)"
  else
    export PGOPTIONS="-c client_min_messages=warning"
    pg_scratch=tasklane_deploy_check_$$
    scratch_url=${pg_base%/*}/$pg_scratch
    # A password in the URL (the test cluster trusts 127.0.0.1 and ignores it) must never be printed.
    secret='Sekr3t-not-for-logs'
    secret_url=$(sed -E "s#^(postgres(ql)?://)([^@/:]+)(:[^@/]*)?@#\1\3:${secret}%2Fx@#" <<<"$scratch_url")
    [[ "$secret_url" == *"$secret"* ]] || fail "could not put a password into $scratch_url"
    psql -q -X "$pg_base" -c "DROP DATABASE IF EXISTS $pg_scratch" -c "CREATE DATABASE $pg_scratch" >/dev/null
    psql -q -X -v ON_ERROR_STOP=1 "$scratch_url" >/dev/null <<'SQL'
CREATE TABLE tasks (id bigserial PRIMARY KEY, title text NOT NULL, due timestamptz, tags text[]);
CREATE INDEX tasks_title ON tasks (title);
INSERT INTO tasks (title, due, tags)
  SELECT 'task ' || g, timestamptz '2026-01-01' + g * interval '1 hour', ARRAY['t' || (g % 7)]
  FROM generate_series(1, 3000) g;
CREATE TABLE comments (id bigserial PRIMARY KEY, task_id bigint NOT NULL REFERENCES tasks (id) ON DELETE CASCADE, body text);
INSERT INTO comments (task_id, body) SELECT g, 'comment on ' || g FROM generate_series(1, 3000, 3) g;
SQL
    fingerprint() {
      psql -X -tA "$scratch_url" -c "SELECT (SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM tasks t) || '/' ||
        (SELECT md5(string_agg(c::text, ',' ORDER BY id)) FROM comments c) || '/' || (SELECT last_value FROM tasks_id_seq)"
    }
    before=$(fingerprint)
    out=$("$backup_sh" --output "$work/pg/" "$secret_url" 2>"$work/pg-backup.log")
    rc=$?
    if [ $rc -eq 0 ] && [ -f "$out" ]; then
      ok "PostgreSQL backup (pg_dump -Fc) of a scratch database"
      psql -q -X "$scratch_url" -c "DROP TABLE comments" -c "DELETE FROM tasks WHERE id > 10" -c "CREATE TABLE later (x int)" >/dev/null
      if "$restore_sh" --yes "$out" "$secret_url" >"$work/pg-restore.log" 2>&1; then
        after=$(fingerprint)
        [ -n "$before" ] && [ "$after" = "$before" ] && ok "PostgreSQL restore gives back the same rows and sequence" ||
          fail "PostgreSQL restore: rows differ ($before != $after)"
      else
        fail "PostgreSQL restore (pg_restore --clean --if-exists)"; sed 's/^/      /' "$work/pg-restore.log" >&2
      fi
      if { cat "$work/pg-backup.log" "$work/pg-restore.log"; printf '%s\n' "$out"; } | grep -qF "$secret"; then
        fail "backup.sh or restore.sh printed the database password"
      else
        ok "no password in the output of backup.sh and restore.sh"
      fi
      if "$restore_sh" --yes "$out" "sqlite://$work/wrong.db" >/dev/null 2>&1; then
        fail "restore.sh put a PostgreSQL dump into a SQLite URL"
      else
        ok "restore.sh refuses a backup of the other kind of database"
      fi
    else
      fail "PostgreSQL backup"; sed 's/^/      /' "$work/pg-backup.log" >&2
    fi
  fi
fi

echo
if [ "$failed" -gt 0 ]; then
  echo "Failed checks:" >&2
  printf '  %s\n' "${failures[@]}" >&2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
