#!/usr/bin/env bash
# Sourced by bench/jdbc.sh and bench/postgres-cdc.sh (with REPO set): publishes the host (HOST_DLL), builds the bench tools, starts
# scripts/postgres-local.sh's PostgreSQL (CS: its Npgsql connection string; host, port, db, user, pass) and, unless
# KAFKA_BOOTSTRAP_SERVERS is set, scripts/kafka-local.sh's broker (BOOTSTRAP; LEGACY: worker keys for a 0.9 broker;
# PROTO: acbench's protocol flag); defines field, pct and worker.
# The host as it is shipped (as bench/run.sh measures it): published for this machine's platform, so precompiled
# (ReadyToRun), unless BENCH_HOST_DLL names another build. A plain build JITs everything at start, which under load was
# most of a row's start-up.
HOST_RID="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
HOST_DLL="${BENCH_HOST_DLL:-$REPO/bench/.work/host-$HOST_RID/actorconnect.dll}"
if [[ -z "${BENCH_HOST_DLL:-}" ]]; then
  dotnet publish "$REPO/src/ActorConnect.Host" -c Release -r "$HOST_RID" --self-contained false -o "$(dirname "$HOST_DLL")" -nologo -v q >/dev/null
fi
for project in bench/ActorConnect.Bench bench/ActorConnect.Bench.Jdbc; do
  dotnet build "$REPO/$project" -c Release -nologo -v q >/dev/null
done
bash "$REPO/scripts/postgres-local.sh" install
CS="$(bash "$REPO/scripts/postgres-local.sh" start 2>/dev/null)"
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  bash "$REPO/scripts/kafka-local.sh" install
  KAFKA_BOOTSTRAP_SERVERS="$(bash "$REPO/scripts/kafka-local.sh" start)"
  KAFKA_BROKER_LEGACY=1
fi
BOOTSTRAP="$KAFKA_BOOTSTRAP_SERVERS"
LEGACY=""
PROTO=--modern
if [[ "${KAFKA_BROKER_LEGACY:-0}" == 1 ]]; then
  LEGACY=$'api.version.request=false\nbroker.version.fallback=0.9.0.1'
  PROTO=--legacy
fi
# The parts of the Npgsql connection string the local script prints.
host="$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$CS")"
port="$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$CS")"
db="$(sed -n 's/.*Database=\([^;]*\).*/\1/p' <<<"$CS")"
user="$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$CS")"
pass="$(sed -n 's/.*Password=\([^;]*\).*/\1/p' <<<"$CS")"

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | tail -1; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }

worker() { # worker FILE: a standalone worker's properties, JsonConverter with schemas, offsets in FILE.offsets
  printf '%s\n' "bootstrap.servers=$BOOTSTRAP" \
    "key.converter=org.apache.kafka.connect.json.JsonConverter" \
    "value.converter=org.apache.kafka.connect.json.JsonConverter" \
    "offset.storage.file.filename=$1.offsets" \
    "offset.flush.interval.ms=10000" \
    "listeners=http://127.0.0.1:0" "$LEGACY" >"$1"
}
