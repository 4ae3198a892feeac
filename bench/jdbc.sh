#!/usr/bin/env bash
# Rows per second between PostgreSQL and Kafka (issue 7's benchmark), on demand, never a test:
#   - raw Npgsql: SELECT * streamed (the source's ceiling) and binary COPY (the sink's ceiling), acbench-jdbc;
#   - ActorConnect's JdbcSourceConnector (incrementing mode) table -> Kafka, from the host's launch until the topic
#     holds every row, and JdbcSinkConnector (upsert on the key) Kafka -> table, until the table holds every row;
#     JsonConverter with schemas, Confluent's keys (batch.max.rows as below).
# Writes bench/results/jdbc.md and appends its rows to bench/results/jdbc.csv.
#   bench/jdbc.sh        BENCH_JDBC_ROWS (200000), BENCH_JDBC_BATCH_ROWS (5000: batch.max.rows), BENCH_TIMEOUT_S (600),
#                        BENCH_RESULTS_DIR (bench/results: where jdbc.md and jdbc.csv go),
#                        BENCH_HOST_DLL (this tree's host, published ReadyToRun for this platform: another build's
#                        actorconnect.dll, to compare old and new)
# The source row's floor: its own output read back and produced by the raw producer alone (the with-schemas JSON is
# several times the row's size, and producing it is the limit on this broker, as in bench/postgres-cdc.sh).
# The sink row's floor: the same rows upserted the sink's way by raw Npgsql (staging COPY + INSERT ... ON CONFLICT).
# Each ActorConnect row also gives its start-up (launch until the first row is in the topic / table: the floor of the
# row, what it takes with no rows to move) and its rate after that first row (rows / (seconds - start-up)).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS="${BENCH_JDBC_ROWS:-200000}"
BATCH="${BENCH_JDBC_BATCH_ROWS:-5000}"
TIMEOUT_S="${BENCH_TIMEOUT_S:-600}"
RUN_ID="$(date +%Y%m%d%H%M%S)"
WORK="$REPO/bench/.work/jdbc-$RUN_ID"
RESULTS="${BENCH_RESULTS_DIR:-$REPO/bench/results}"
ACBENCH="$REPO/bench/ActorConnect.Bench/bin/Release/net10.0/acbench.dll"
JDBC="$REPO/bench/ActorConnect.Bench.Jdbc/bin/Release/net10.0/acbench-jdbc.dll"
mkdir -p "$WORK" "$RESULTS"
rate() { awk -v r="$ROWS" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", r / s; else print "-" }'; }

source "$REPO/bench/postgres-bench-env.sh"
URL="jdbc:postgresql://$host:$port/${db:-postgres}"

SRC="bench_src_$RUN_ID"
COPY="bench_copy_$RUN_ID"
UPSERT="bench_upsert_$RUN_ID"
SINK="bench_sink_$RUN_ID"
TOPIC="jdbcbench-$SRC"
dotnet "$JDBC" prepare "$CS" "$SRC" "$ROWS"
if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$TOPIC" 1 >/dev/null 2>&1 || true; fi
read_out="$(dotnet "$JDBC" raw-read "$CS" "$SRC")"
copy_out="$(dotnet "$JDBC" raw-copy "$CS" "$SRC" "$COPY")"
# The sink row's floor: the same rows upserted the sink's way (binary COPY into a temp staging table, then one
# INSERT ... ON CONFLICT per transaction) in batches of the runtime's sink batch (actorconnect.sink.max-batch-records).
UPSERT_BATCH=2048
upsert_out="$(dotnet "$JDBC" raw-upsert "$CS" "$SRC" "$UPSERT" "$UPSERT_BATCH")"

run_host() { # run_host NAME WAIT_FUNCTION: launches the host with $WORK/NAME.*, waits, prints the RESULT line, stops it
  local name="$1" wait_fn="$2" t0 pid out rss
  t0="$(date +%s.%N)"
  dotnet "$HOST_DLL" standalone "$WORK/$name.worker.properties" "$WORK/$name.properties" >"$WORK/$name.log" 2>&1 &
  pid=$!
  out="$("$wait_fn" "$t0" "$pid")" || true
  rss="$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || echo 0)"
  # SIGTERM: a background job of a script ignores SIGINT.
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$out rss_mb=$rss"
}

worker "$WORK/source.worker.properties"
printf '%s\n' "name=jdbc-bench-source-$RUN_ID" \
  "connector.class=io.confluent.connect.jdbc.JdbcSourceConnector" \
  "connection.url=$URL" "connection.user=$user" "connection.password=$pass" \
  "mode=incrementing" "incrementing.column.name=id" "table.whitelist=$SRC" \
  "topic.prefix=jdbcbench-" "batch.max.rows=$BATCH" >"$WORK/source.properties"
wait_topic() { dotnet "$ACBENCH" wait-topic "$BOOTSTRAP" "$TOPIC" "$ROWS" "$TIMEOUT_S" --since "$1" --pid "$2" "$PROTO"; }
source_out="$(run_host source wait_topic)"
# The floor under the source row: its own output (JsonConverter with schemas, read back from the topic) produced by the
# raw producer alone into a fresh topic. Nothing that writes these records to Kafka beats it on this broker.
dotnet "$ACBENCH" raw-consume "$BOOTSTRAP" "$TOPIC" "$ROWS" "$WORK/source.values" "$PROTO" >/dev/null 2>&1 || true
if [[ -n "$LEGACY" ]]; then bash "$REPO/scripts/kafka-local.sh" topic "$TOPIC.floor" 1 >/dev/null 2>&1 || true; fi
floor_out="$(dotnet "$ACBENCH" raw-produce "$BOOTSTRAP" "$WORK/source.values" "$TOPIC.floor" "$PROTO" 2>/dev/null || true)"
rm -f "$WORK/source.values"

worker "$WORK/sink.worker.properties"
printf '%s\n' "name=jdbc-bench-sink-$RUN_ID" \
  "connector.class=io.confluent.connect.jdbc.JdbcSinkConnector" \
  "connection.url=$URL" "connection.user=$user" "connection.password=$pass" \
  "topics=$TOPIC" "table.name.format=$SINK" "insert.mode=upsert" "pk.mode=record_value" "pk.fields=id" \
  "auto.create=true" >"$WORK/sink.properties"
wait_rows() { dotnet "$JDBC" wait-rows "$CS" "$SINK" "$ROWS" "$TIMEOUT_S" "$(awk -v t="$1" 'BEGIN { printf "%.0f", t * 1000 }')"; }
sink_out="$(run_host sink wait_rows)"

src_s="$(field seconds "$source_out")"
sink_s="$(field seconds "$sink_out")"
read_rate="$(field rows_per_s "$read_out")"
copy_rate="$(field rows_per_s "$copy_out")"
src_rate="$(rate "$src_s")"
sink_rate="$(rate "$sink_s")"
src_first="$(field first_seconds "$source_out")"
sink_first="$(field first_seconds "$sink_out")"
after() { awk -v r="$ROWS" -v s="$1" -v f="$2" 'BEGIN { if (s > f && f != "") printf "%.0f", (r - 1) / (s - f); else print "-" }'; }
src_after="$(after "$src_s" "$src_first")"
sink_after="$(after "$sink_s" "$sink_first")"
{
  echo "# JDBC benchmark: PostgreSQL and Kafka"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the end;"
  echo "PostgreSQL $(psql --version 2>/dev/null | awk '{print $3}') (scripts/postgres-local.sh) and Kafka at $BOOTSTRAP on the same machine; $ROWS rows of (bigint key, 49-byte text, numeric, timestamp)."
  echo "ActorConnect: JsonConverter with schemas, batch.max.rows=$BATCH, times from the host's launch (start-up included) until the topic / table holds every row."
  echo
  echo "Start-up: launch until the first row is in the topic / table; after it: rows per second from the first row to the last."
  echo
  echo "| Path | Rows | Seconds | Rows/s | Share of the ceiling | Start-up s | Rows/s after start-up | Share after start-up | Peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| raw Npgsql read (ceiling) | $ROWS | $(field seconds "$read_out") | $read_rate | | | | | |"
  echo "| **ActorConnect** table → Kafka (incrementing) | $ROWS | $src_s | $src_rate | $(pct "$src_rate" "$read_rate") | $src_first | $src_after | $(pct "$src_after" "$read_rate") | $(field rss_mb "$source_out") |"
  echo "| raw producer alone, the source row's own records (its floor) | $ROWS | $(field seconds "$floor_out") | $(field rate "$floor_out" | cut -d. -f1) | $(pct "$(field rate "$floor_out" | cut -d. -f1)" "$read_rate") | | $(field loop_rate "$floor_out" | cut -d. -f1) | $(pct "$(field loop_rate "$floor_out" | cut -d. -f1)" "$read_rate") | |"
  echo "| raw Npgsql binary COPY (ceiling) | $ROWS | $(field seconds "$copy_out") | $copy_rate | | | | | |"
  echo "| raw Npgsql upsert the sink's way, $UPSERT_BATCH rows per transaction (its floor) | $ROWS | $(field seconds "$upsert_out") | $(field rows_per_s "$upsert_out") | $(pct "$(field rows_per_s "$upsert_out")" "$copy_rate") | | | | |"
  echo "| **ActorConnect** Kafka → table (upsert) | $ROWS | $sink_s | $sink_rate | $(pct "$sink_rate" "$copy_rate") | $sink_first | $sink_after | $(pct "$sink_after" "$copy_rate") | $(field rss_mb "$sink_out") |"
} | tee "$RESULTS/jdbc.md"
# The CSV is appended run after run. Files from before peak_rss_mb was recorded get the column in their header (their
# rows leave it empty) rather than a second header further down.
HEADER="run,path,rows,seconds,rows_per_s,peak_rss_mb,startup_seconds,rows_per_s_after_startup"
if [[ ! -f "$RESULTS/jdbc.csv" ]]; then
  echo "$HEADER" >"$RESULTS/jdbc.csv"
elif [[ "$(head -n 1 "$RESULTS/jdbc.csv")" == run,path,rows,seconds,rows_per_s* ]]; then
  sed -i "1s/.*/$HEADER/" "$RESULTS/jdbc.csv"
fi
printf '%s\n' "$RUN_ID,raw-read,$ROWS,$(field seconds "$read_out"),$read_rate,,," \
  "$RUN_ID,ac-source,$ROWS,$src_s,$src_rate,$(field rss_mb "$source_out"),$src_first,$src_after" \
  "$RUN_ID,raw-produce-source-output,$ROWS,$(field seconds "$floor_out"),$(field rate "$floor_out" | cut -d. -f1),,,$(field loop_rate "$floor_out" | cut -d. -f1)" \
  "$RUN_ID,raw-copy,$ROWS,$(field seconds "$copy_out"),$copy_rate,,," \
  "$RUN_ID,raw-upsert,$ROWS,$(field seconds "$upsert_out"),$(field rows_per_s "$upsert_out"),,," \
  "$RUN_ID,ac-sink,$ROWS,$sink_s,$sink_rate,$(field rss_mb "$sink_out"),$sink_first,$sink_after" >>"$RESULTS/jdbc.csv"
