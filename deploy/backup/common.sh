# Shared by backup.sh and restore.sh (sourced, not run). Parses a Tasklane
# database URL and keeps any password out of process arguments and output.
# shellcheck shell=bash

log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Percent-decoding for the password of a URL (libpq decodes it the same way).
url_decode() {
  local s=${1//\\/\\\\}
  s=${s//%/\\x}
  printf '%b' "$s"
}

# parse_db_url URL: sets
#   DB_KIND      sqlite | postgresql
#   SQLITE_PATH  the file of sqlite://PATH (as Tasklane reads it: everything after sqlite://)
#   PG_URL       the postgresql:// URL without its password (safe to print and to pass as an argument)
#   PGPASSWORD   exported when the URL carried a password (libpq reads it; never an argument)
parse_db_url() {
  local url=$1
  case "$url" in
    sqlite://*)
      DB_KIND=sqlite
      SQLITE_PATH=${url#sqlite://}
      [ -n "$SQLITE_PATH" ] || die "sqlite:// names no file"
      ;;
    postgresql://* | postgres://*)
      DB_KIND=postgresql
      local scheme=${url%%://*}://
      local rest=${url#*://}
      local authority=${rest%%/*}
      local userinfo=""
      # libpq: the user information ends at the first '@' before any '/'.
      if [[ "$authority" == *@* ]]; then
        userinfo=${authority%%@*}
        rest=${rest#*@}
      fi
      local user=${userinfo%%:*}
      if [[ "$userinfo" == *:* ]]; then
        local password=${userinfo#*:}
        if [ -n "$password" ]; then
          PGPASSWORD=$(url_decode "$password")
          export PGPASSWORD
        fi
      fi
      if [ -n "$user" ]; then
        PG_URL="${scheme}${user}@${rest}"
      else
        PG_URL="${scheme}${rest}"
      fi
      ;;
    "")
      die "no database URL: pass one or set TASKLANE_DB_URL"
      ;;
    *)
      # Never echo the URL: it may hold a password.
      die "the database URL must start with sqlite:// or postgresql://"
      ;;
  esac
}

# The database, for messages.
db_label() {
  if [ "$DB_KIND" = sqlite ]; then
    printf 'sqlite://%s' "$SQLITE_PATH"
  else
    printf '%s' "$PG_URL"
  fi
}

# Which tool copies SQLite databases: python3's sqlite3 module (the backup API,
# in one step) or the sqlite3 CLI (VACUUM INTO for a backup, .restore for a restore).
# TASKLANE_SQLITE_TOOL=python3|sqlite3 forces one.
sqlite_tool() {
  local forced=${TASKLANE_SQLITE_TOOL:-}
  if [ -n "$forced" ]; then
    case "$forced" in
      python3) { command -v python3 >/dev/null && python3 -c 'import sqlite3' 2>/dev/null; } ||
                 die "TASKLANE_SQLITE_TOOL=python3 but python3 with its sqlite3 module is missing" ;;
      sqlite3) command -v sqlite3 >/dev/null || die "TASKLANE_SQLITE_TOOL=sqlite3 but the sqlite3 CLI is missing" ;;
      *) die "TASKLANE_SQLITE_TOOL must be python3 or sqlite3" ;;
    esac
    printf '%s' "$forced"
  elif command -v python3 >/dev/null && python3 -c 'import sqlite3' 2>/dev/null; then
    printf python3
  elif command -v sqlite3 >/dev/null; then
    printf sqlite3
  else
    die "SQLite needs python3 or the sqlite3 CLI (apt-get install sqlite3)"
  fi
}

# sqlite_tool, decided once per script run (python3 may start slowly).
SQLITE_TOOL=""
sqlite_tool_cached() {
  [ -n "$SQLITE_TOOL" ] || SQLITE_TOOL=$(sqlite_tool) || exit 1
}

# A path as a double-quoted argument of a sqlite3 CLI dot-command.
sqlite_cli_quote() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# sqlite_copy SRC DEST: copies the database SRC into DEST. Safe while Tasklane
# writes SRC: the copy is one consistent snapshot, read in one transaction (WAL
# readers do not block the writer). An existing DEST is replaced page by page
# through the backup API under its own lock, so it may be the live database of a
# stopped server (restore), keeping its owner, mode and WAL mode.
sqlite_copy() {
  local src=$1 dest=$2
  sqlite_tool_cached
  case "$SQLITE_TOOL" in
    python3)
      python3 - "$src" "$dest" <<'PY'
import sqlite3, sys, urllib.parse
src_path, dest_path = sys.argv[1], sys.argv[2]
def open_existing(path):
    # mode=rw never creates a missing file; read-only access is enough to copy from.
    for mode in ("rw", "ro"):
        try:
            return sqlite3.connect("file:%s?mode=%s" % (urllib.parse.quote(path), mode), uri=True, timeout=30)
        except sqlite3.OperationalError:
            pass
    sys.exit("cannot open %s" % path)
src = open_existing(src_path)
dest = sqlite3.connect(dest_path, timeout=30)
src.backup(dest)          # pages=-1: the whole database in one step, one snapshot
dest.close()
src.close()
PY
      ;;
    sqlite3)
      if [ -e "$dest" ]; then
        # Into an existing database (restore, the server stopped): the backup API.
        sqlite3 -bail "$dest" ".timeout 30000" ".restore $(sqlite_cli_quote "$src")" >/dev/null
      else
        # A new file: VACUUM INTO reads SRC in one read transaction, so a writer
        # cannot make it start over (.backup restarts whenever SRC changes).
        sqlite3 -bail "$src" ".timeout 30000" "VACUUM INTO '${dest//\'/\'\'}'" >/dev/null
      fi
      ;;
  esac
}

# sqlite_standalone FILE: a backup copy of a WAL database is switched to a
# rollback journal, so it is one self-contained file that opens read-only anywhere
# (restoring it into a WAL database keeps the destination in WAL mode).
sqlite_standalone() {
  local file=$1 mode
  sqlite_tool_cached
  case "$SQLITE_TOOL" in
    python3)
      mode=$(python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
c.close()' "$file") || return 1
      ;;
    sqlite3)
      mode=$(sqlite3 -bail "$file" "PRAGMA journal_mode=DELETE") || return 1
      ;;
  esac
  [ "$mode" = delete ] || { log "could not switch $file to journal_mode=DELETE ($mode)"; return 1; }
}

# sqlite_check FILE: PRAGMA integrity_check must say ok.
sqlite_check() {
  local file=$1 result
  sqlite_tool_cached
  case "$SQLITE_TOOL" in
    python3)
      result=$(python3 -c 'import sqlite3, sys, urllib.parse
c = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(sys.argv[1]), uri=True)
print(c.execute("PRAGMA integrity_check").fetchone()[0])' "$file") || return 1
      ;;
    sqlite3)
      result=$(sqlite3 -readonly "$file" "PRAGMA integrity_check") || return 1
      ;;
  esac
  [ "$result" = ok ] || { log "integrity_check of $file: $result"; return 1; }
}

# An absolute path (sqlite3 would read a leading '-' as an option).
absolute_path() {
  case "$1" in
    /*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$PWD" "$1" ;;
  esac
}
