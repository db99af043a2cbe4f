#!/usr/bin/env bash
# Restores a backup made by backup.sh into Tasklane's database.
#
#   restore.sh [--yes] BACKUP_FILE [DATABASE_URL] [-- PG_RESTORE_OPTIONS...]
#
# DATABASE_URL defaults to $TASKLANE_DB_URL. Stop every Tasklane node first
# (systemctl stop tasklane / docker compose stop tasklane1 tasklane2): a running
# node would keep writing around the restore. Destructive, so it asks for the
# database's name on a terminal; --yes skips the question (scripts).
#
#   *.sqlite3 -> sqlite://PATH   The current database is first copied to
#       PATH.pre-restore-<time>, then the backup is written into PATH through
#       SQLite's backup API (the file keeps its owner and mode; a stale -wal
#       cannot be replayed over it).
#   *.pgdump -> postgresql://... pg_restore --clean --if-exists
#       --single-transaction: every object in the dump is dropped and recreated
#       in one transaction, so a failure changes nothing. Tables the dump does not
#       have (made by a later migration) are left alone: to go back to an older
#       release, restore into an empty database instead (deploy/README.md).
#       Options after -- go to pg_restore (e.g. --no-owner for other role names).
# A password in the URL goes to libpq as PGPASSWORD and is never printed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

yes=false
backup=""
url=${TASKLANE_DB_URL:-}
url_given=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -y | --yes) yes=true; shift ;;
    -h | --help) usage ;;
    --) shift; extra=("$@"); break ;;
    -*) log "unknown option $1"; usage ;;
    *)
      if [ -z "$backup" ]; then backup=$1
      elif ! $url_given; then url=$1; url_given=true
      else usage
      fi
      shift ;;
  esac
done
[ -n "$backup" ] || usage
[ -f "$backup" ] || die "no backup file at $backup"
parse_db_url "$url"

# What the file is, from its first bytes, not its name.
magic=$(head -c 16 "$backup" | tr -d '\0')
case "$magic" in
  "SQLite format 3") kind=sqlite ;;
  PGDMP*) kind=postgresql ;;
  *) die "$backup is neither a SQLite database nor a pg_dump custom-format archive" ;;
esac
[ "$kind" = "$DB_KIND" ] || die "$backup is a $kind backup but the database is $DB_KIND"

if ! $yes; then
  [ -t 0 ] || die "restoring replaces the database; pass --yes when not on a terminal"
  if [ "$DB_KIND" = sqlite ]; then expected=$(basename "$SQLITE_PATH"); else expected=${PG_URL##*/}; expected=${expected%%\?*}; fi
  printf 'This replaces the contents of %s with %s.\nType "%s" to go on: ' "$(db_label)" "$backup" "$expected" >&2
  read -r answer
  [ "$answer" = "$expected" ] || die "not confirmed; nothing changed"
fi

log "restoring $backup into $(db_label)"
case "$DB_KIND" in
  sqlite)
    sqlite_check "$backup" || die "$backup failed its integrity check; nothing changed"
    dest=$(absolute_path "$SQLITE_PATH")
    if [ -f "$dest" ]; then
      keep="$dest.pre-restore-$(date -u +%Y%m%dT%H%M%SZ)"
      (umask 077 && sqlite_copy "$dest" "$keep" && sqlite_standalone "$keep") ||
        die "could not copy the current database aside; nothing changed"
      log "the database as it was: $keep"
    else
      mkdir -p "$(dirname "$dest")"
    fi
    sqlite_copy "$(absolute_path "$backup")" "$dest" || die "restore failed"
    sqlite_check "$dest" || die "the restored database failed its integrity check"
    ;;
  postgresql)
    command -v pg_restore >/dev/null || die "pg_restore not found (apt-get install postgresql-client)"
    pg_restore --list "$backup" >/dev/null || die "pg_restore cannot read $backup; nothing changed"
    pg_restore --clean --if-exists --single-transaction --exit-on-error \
      "${extra[@]}" --dbname="$PG_URL" "$backup" || die "pg_restore failed; the transaction was rolled back"
    ;;
esac
log "done; run \`tasklane migrate --config FILE --status\` before starting the nodes"
