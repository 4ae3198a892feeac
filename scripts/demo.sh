#!/usr/bin/env bash
# The file demo, from a fresh clone: installs what it needs (JRE, the local Kafka 0.9 broker), then runs
#   actorconnect standalone worker.properties config/file-source.properties config/file-sink.properties
# with Kafka Connect's own sample connector files, streams a sample log file into the topic `connect-test` and out
# to test.sink.txt, prints the worker's status, stops it with SIGTERM (as Ctrl-C would) and compares the two files.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
LINES="${DEMO_LINES:-10000}"
DEMO="$REPO/.local/demo"

bash scripts/kafka-local.sh install
bootstrap="$(bash scripts/kafka-local.sh start)"
echo "demo: Kafka at $bootstrap"
# One partition keeps the whole file in order end to end (a topic left by an earlier run keeps its partitions).
bash scripts/kafka-local.sh topic connect-test 1 >/dev/null 2>&1 || true

echo "demo: building the host"
dotnet build src/ActorConnect.Host -c Release -nologo -v q >/dev/null

rm -rf "$DEMO" && mkdir -p "$DEMO"
# Kafka Connect's sample worker file, with the offsets kept beside the demo instead of /tmp.
sed -e "s#^bootstrap.servers=.*#bootstrap.servers=$bootstrap#" \
    -e "s#^offset.storage.file.filename=.*#offset.storage.file.filename=$DEMO/connect.offsets#" \
    -e "s#^offset.flush.interval.ms=.*#offset.flush.interval.ms=1000#" \
    config/worker.properties > "$DEMO/worker.properties"
# The local broker is Kafka 0.9: say so, rather than have the worker ask a question 0.9 does not know.
printf 'api.version.request=false\nbroker.version.fallback=0.9.0.1\n' >> "$DEMO/worker.properties"
# Kafka Connect's REST API, on loopback only (DEMO_REST_PORT, default Kafka Connect's 8083).
REST_PORT="${DEMO_REST_PORT:-8083}"
printf 'listeners=http://127.0.0.1:%s\n' "$REST_PORT" >> "$DEMO/worker.properties"
: > "$DEMO/test.txt"

# The connector files use relative paths (file=test.txt, file=test.sink.txt), as Kafka's samples do: run in $DEMO.
WORKER=(dotnet "$REPO/src/ActorConnect.Host/bin/Release/net10.0/actorconnect.dll" standalone
        worker.properties "$REPO/config/file-source.properties" "$REPO/config/file-sink.properties")
(cd "$DEMO" && exec "${WORKER[@]}" --status-interval 2) &
HOST_PID=$!
trap 'kill -TERM $HOST_PID 2>/dev/null || true' EXIT

# One awk process writes every line (one process per line took about a minute for 10,000), in one append while the
# worker runs; the lines share the time they were written at.
echo "demo: appending $LINES log lines to $DEMO/test.txt while the worker runs"
awk -v lines="$LINES" -v now="$(date -u +%FT%T)" -v pid=$$ \
  'BEGIN { for (i = 0; i < lines; i++) printf "%s INFO demo[%d]: request %d served in %d ms\n", now, pid, i, i % 97 }' >> "$DEMO/test.txt"

for _ in $(seq 1 60); do
  [[ -f "$DEMO/test.sink.txt" ]] && (( $(wc -l < "$DEMO/test.sink.txt") >= LINES )) && break
  sleep 1
done

if command -v curl >/dev/null 2>&1; then
  echo "demo: curl http://127.0.0.1:$REST_PORT/connectors?expand=status"
  curl -s "http://127.0.0.1:$REST_PORT/connectors?expand=status" || echo "demo: the REST API did not answer"
  echo
fi

kill -TERM "$HOST_PID"
wait "$HOST_PID" || true
trap - EXIT

in=$(wc -l < "$DEMO/test.txt"); out=$(wc -l < "$DEMO/test.sink.txt" 2>/dev/null || echo 0)
echo "demo: source file $in lines, sink file $out lines"
if cmp -s "$DEMO/test.txt" "$DEMO/test.sink.txt"; then
  echo "demo: OK - the sink file is identical to the source file (topic connect-test, offsets in $DEMO/connect.offsets)"
elif cmp -s <(sort "$DEMO/test.txt") <(sort "$DEMO/test.sink.txt"); then
  echo "demo: OK - the sink file holds exactly the source lines; connect-test has several partitions, so order is kept per partition"
else
  echo "demo: FAILED - the files differ"; exit 1
fi

# The worker kept its offsets and connectors in $DEMO: started again, it resumes where it stopped.
printf -v worker '%q ' "${WORKER[@]}"
printf -v again 'cd %q && %s' "$DEMO" "${worker% }"
cat <<NEXT

Try next: start the worker again (it resumes from its stored offsets), then, from another terminal:
  $again
  curl -s 'http://127.0.0.1:$REST_PORT/connectors?expand=status'                  # every connector's and task's status
  curl -s -X PUT http://127.0.0.1:$REST_PORT/connectors/local-file-source/pause   # pause the source (PUT .../resume)
  xdg-open http://127.0.0.1:$REST_PORT/ui                                          # the web console, in a browser
NEXT
