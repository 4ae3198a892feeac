#!/usr/bin/env bash
# Start-up time of the shipped forms of the host, run on demand (never as a test): from process launch until its REST
# API answers GET / with 200 (the REST server binds first and answers 503 until the worker runs), median of
# STARTUP_RUNS (default 5), for
#   - dotnet actorconnect.dll: framework-dependent, published for this machine (ReadyToRun), as bench/run.sh runs it;
#   - the self-contained single-file binary of scripts/publish.sh (linux-x64).
# Each run is a standalone worker with the file source on a fresh file, against KAFKA_BOOTSTRAP_SERVERS (default the
# local broker of scripts/kafka-local.sh, 127.0.0.1:19092; KAFKA_BROKER_LEGACY=1 for a 0.9 broker). Prints a Markdown
# table with each form's size on disk, and the machine.
#
#   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 KAFKA_BROKER_LEGACY=1 bench/startup.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
runs="${STARTUP_RUNS:-5}"
broker="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:19092}"
work="$REPO/.local/bench-startup"
rm -rf "$work" && mkdir -p "$work"

fdd="$work/fdd"
dotnet publish src/ActorConnect.Host -c Release -r linux-x64 --self-contained false -o "$fdd" -nologo -v q >"$work/publish-fdd.log" 2>&1 \
  || { tail -n 30 "$work/publish-fdd.log" >&2; exit 1; }
PUBLISH_DIR="$work/single-file" bash scripts/publish.sh linux-x64 >"$work/publish-single-file.log" 2>&1 \
  || { tail -n 30 "$work/publish-single-file.log" >&2; exit 1; }

# Milliseconds from launch until GET / answers 200; the worker is then stopped with SIGTERM.
measure() {
  local run="$1"; shift
  local dir="$work/run-$run" port
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  printf 'a\nb\n' >"$dir/input.txt"
  cat >"$dir/worker.properties" <<PROPS
bootstrap.servers=$broker
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$dir/offsets
listeners=http://127.0.0.1:$port
$( [[ "${KAFKA_BROKER_LEGACY:-}" == 1 ]] && printf 'api.version.request=false\nbroker.version.fallback=0.9.0.1\n' )
PROPS
  printf 'name=startup-%s\nconnector.class=FileStreamSource\nfile=%s\ntopic=startup-bench\n' "$run" "$dir/input.txt" >"$dir/source.properties"
  local start end pid
  start=$(date +%s%N)
  "$@" standalone "$dir/worker.properties" "$dir/source.properties" >"$dir/log" 2>&1 &
  pid=$!
  until [[ "$(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)" == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || { echo "worker exited before answering; see $dir/log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(date +%s%N)
  # SIGTERM: a background job of a non-interactive shell ignores SIGINT.
  kill -TERM "$pid"; wait "$pid" || true
  echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

row() {
  local key="$1" name="$2" size="$3"; shift 3
  local times=()
  for i in $(seq 1 "$runs"); do times+=("$(measure "$key-$i" "$@")"); done
  printf '| %s | %s | %s ms | %s |\n' "$name" "$size" "$(printf '%s\n' "${times[@]}" | median)" "${times[*]}"
}

echo "| form | size on disk | start-up to GET / (median of $runs) | each run (ms) |"
echo "| --- | --- | --- | --- |"
row fdd "dotnet actorconnect.dll (framework-dependent, ReadyToRun)" "$(du -sh --exclude='*.pdb' --exclude='*.xml' "$fdd" | cut -f1) folder, plus the .NET runtime" dotnet "$fdd/actorconnect.dll"
row single-file "single-file binary (self-contained, ReadyToRun)" "$(du -h "$work/single-file/actorconnect" | cut -f1)" "$work/single-file/actorconnect"
echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d)."
