#!/usr/bin/env bash
# Runs a private PostgreSQL cluster on loopback for the JDBC connectors' tests, from Debian's `postgresql` package.
#
#   postgres-local.sh install   apt-get install postgresql when initdb is missing (needs root)
#   postgres-local.sh start     initdb on first use, start unless already up; prints the Npgsql connection string
#                               and says on stderr "started-new" or "already-running"
#   postgres-local.sh stop      stop the cluster this script runs (pg_ctl on our own data directory only)
#   postgres-local.sh status    exit 0 when the cluster answers
#
# Environment: POSTGRES_LOCAL_PORT (15432). The cluster lives in .local/postgres; the test user `actorconnect`
# (password `actorconnect`) is its superuser, and TCP logins need the password (scram-sha-256), so tests can
# check what a wrong password does.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$REPO/.local"
PG_PORT="${POSTGRES_LOCAL_PORT:-15432}"
BASE="$LOCAL/postgres"
SUFFIX=""
if [[ "$PG_PORT" != 15432 ]]; then SUFFIX="-$PG_PORT"; fi
DATA="$BASE/data$SUFFIX"
RUN="$BASE/run$SUFFIX"
LOCK="$BASE/lock$SUFFIX"
PG_USER=actorconnect
PG_PASSWORD=actorconnect
HOST=127.0.0.1

log() { echo "postgres-local: $*" >&2; }
die() { log "$*"; exit 1; }

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  done
  return 1
}

# initdb and postgres refuse to run as root; as root we run them as Debian's `postgres` system user.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

connection_string() {
  echo "Host=$HOST;Port=$PG_PORT;Username=$PG_USER;Password=$PG_PASSWORD;Database=postgres"
}

with_lock() {
  mkdir -p "$BASE"
  exec 9>"$LOCK"
  flock -w 300 9 || die "timed out waiting for $LOCK"
}

cmd_install() {
  if pg_bin >/dev/null; then return 0; fi
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed; run as root (or: sudo apt-get install postgresql)"
  log "installing Debian's postgresql package"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  pg_bin >/dev/null || die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
}

is_up() {
  local bin
  bin="$(pg_bin)" || return 1
  "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2
}

cmd_init() {
  local bin
  bin="$(pg_bin)"
  if [[ -f "$DATA/PG_VERSION" ]]; then return 0; fi
  log "creating a cluster in $DATA"
  mkdir -p "$DATA" "$RUN"
  chmod 755 "$LOCAL" "$BASE"
  local pwfile="$BASE/pwfile$SUFFIX"
  echo "$PG_PASSWORD" >"$pwfile"
  if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$DATA" "$RUN" "$pwfile"; fi
  chmod 700 "$DATA"
  as_owner "$bin/initdb" -D "$DATA" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$BASE/initdb$SUFFIX.log" 2>&1 || { cat "$BASE/initdb$SUFFIX.log" >&2; die "initdb failed"; }
  rm -f "$pwfile"
  cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$RUN'
max_connections = 200
fsync = on
shared_buffers = 128MB
EOF
}

cmd_start() {
  cmd_install
  with_lock
  if is_up; then
    log "already-running on $HOST:$PG_PORT"
    connection_string
    return 0
  fi
  cmd_init
  local bin
  bin="$(pg_bin)"
  mkdir -p "$RUN"
  if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$RUN"; fi
  # 9>&-: the server must not inherit the lock, or it would hold it for as long as it runs.
  # Logical replication (the PostgreSQL CDC connector) is given at start, not in postgresql.conf, so that a data directory
  # made before it was needed gets it too.
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-c wal_level=logical -c max_wal_senders=20 -c max_replication_slots=40" start >&2 9>&- || { tail -20 "$DATA/server.log" >&2; die "pg_ctl start failed"; }
  log "started-new on $HOST:$PG_PORT"
  connection_string
}

cmd_stop() {
  local bin
  bin="$(pg_bin)" || return 0
  [[ -f "$DATA/postmaster.pid" ]] || { log "not running"; return 0; }
  as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >&2
}

cmd_status() {
  if is_up; then
    log "up on $HOST:$PG_PORT"
    connection_string
  else
    log "down"
    return 1
  fi
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
      echo "usage: $0 {install|start|stop|status}" >&2
      exit 2
      ;;
  esac
}

main "$@"
