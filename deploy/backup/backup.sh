#!/usr/bin/env bash
# Backs up Tasklane's database, online: the server keeps running.
#
#   backup.sh [--output FILE|DIR] [--keep N] [DATABASE_URL] [-- PG_DUMP_OPTIONS...]
#
# DATABASE_URL defaults to $TASKLANE_DB_URL (the variable the config reads), so
# with the service's environment file loaded no argument is needed:
#   set -a; . /etc/tasklane/tasklane.env; set +a; backup.sh --output /var/backups/tasklane --keep 14
#
#   sqlite://PATH          SQLite's online backup API (python3's sqlite3 module, or
#                          the sqlite3 CLI's .backup): one consistent snapshot,
#                          safe while Tasklane writes. Output: *.sqlite3
#   postgresql://...       pg_dump --format=custom (a consistent snapshot too).
#                          Output: *.pgdump, restored with restore.sh (pg_restore).
#
# --output DIR (or an existing directory; default $TASKLANE_BACKUP_DIR or .)
# writes DIR/tasklane-YYYYmmddTHHMMSSZ.<ext>; --keep N then deletes all but the
# newest N such files in DIR. --output FILE writes exactly FILE. The backup is
# written beside its final name, checked (integrity_check / pg_restore --list)
# and renamed into place, mode 0600; its path is the only line on stdout.
# A password in the URL goes to libpq as PGPASSWORD and is never printed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

output=${TASKLANE_BACKUP_DIR:-.}
keep=""
url=${TASKLANE_DB_URL:-}
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -o | --output) [ $# -ge 2 ] || usage; output=$2; shift 2 ;;
    --keep) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
    -h | --help) usage ;;
    --) shift; extra=("$@"); break ;;
    -*) log "unknown option $1"; usage ;;
    *) url=$1; shift ;;
  esac
done
if [ -n "$keep" ] && ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
  die "--keep needs a positive number"
fi
parse_db_url "$url"

case "$DB_KIND" in
  sqlite) ext=sqlite3 ;;
  postgresql) ext=pgdump ;;
esac
to_dir=""
if [ -d "$output" ] || [[ "$output" == */ ]]; then
  mkdir -p "$output"
  to_dir=$output
  target="${output%/}/tasklane-$(date -u +%Y%m%dT%H%M%SZ).$ext"
else
  [ -z "$keep" ] || die "--keep needs --output to be a directory"
  mkdir -p "$(dirname "$output")"
  target=$output
fi
[ -e "$target" ] && die "$target exists; not overwriting it"
partial="$target.partial"
umask 077
trap 'rm -f "$partial"' EXIT

log "backing up $(db_label) to $target"
case "$DB_KIND" in
  sqlite)
    src=$(absolute_path "$SQLITE_PATH")
    [ -f "$src" ] || die "no SQLite database at $src"
    rm -f "$partial"
    sqlite_copy "$src" "$(absolute_path "$partial")" || die "SQLite backup failed"
    sqlite_standalone "$partial" || die "SQLite backup failed"
    sqlite_check "$partial" || die "the SQLite backup failed its integrity check"
    ;;
  postgresql)
    command -v pg_dump >/dev/null || die "pg_dump not found (apt-get install postgresql-client)"
    pg_dump --format=custom --file="$partial" "${extra[@]}" --dbname="$PG_URL" || die "pg_dump failed"
    pg_restore --list "$partial" >/dev/null || die "pg_restore cannot read the dump pg_dump wrote"
    ;;
esac
sync "$partial" 2>/dev/null || true
mv "$partial" "$target"
trap - EXIT

if [ -n "$keep" ] && [ -n "$to_dir" ]; then
  # Names sort by time; delete all but the newest $keep of this kind.
  mapfile -t old < <(find "$to_dir" -maxdepth 1 -type f -name "tasklane-*.$ext" | sort | head -n -"$keep")
  for f in "${old[@]}"; do
    log "removing old backup $f"
    rm -f -- "$f"
  done
fi
log "done ($(du -h "$target" | cut -f1))"
printf '%s\n' "$target"
