# Sourced by bench/run.sh (case "many"): many tasks on one worker (issue 19). Not run on its own.
#
# One standalone ActorConnect worker, REST on, and over REST: BENCH_MANY_SOURCES (50) FileStreamSource connectors (one
# task each, a file of BENCH_MANY_LINES (20) lines each, topic i) and as many FileStreamSink connectors with
# BENCH_MANY_SINK_TASKS (5) tasks each, sink i reading topics i and i+1 (3 partitions each, so every sink task gets a
# partition): 100 connectors, 300 tasks. acbench many-tasks waits until every task is RUNNING and every sink file holds
# exactly the lines of its two sources, then measures: RSS (VmRSS; VmHWM as the peak), threads (/proc/<pid>/status), the
# worker's CPU over BENCH_MANY_IDLE_S (30) s with nothing flowing (% of one core), and the latency of BENCH_MANY_REQUESTS
# (500) REST reads, one at a time, GET /connectors/{name}/status and GET /connectors alternately (p50, p99).
# Then the floor, on the same topics once the worker has stopped: acbench raw-idle holds the same 300 librdkafka clients
# alone in one process (250 consumers in the same groups blocking in Consume(1 s), 50 idle producers) and measures its own
# idle CPU, threads and RSS: one more row in many.md and many.csv.
# BENCH_MANY_HOCON names a HOCON file given to the worker (--hocon), to measure other settings the same way.
# Results: many.md (this run) and a row per run appended to many.csv, which bench/suite.sh merges.

MANY_SOURCES="${BENCH_MANY_SOURCES:-50}"
MANY_SINK_TASKS="${BENCH_MANY_SINK_TASKS:-5}"
MANY_LINES="${BENCH_MANY_LINES:-20}"
MANY_IDLE_S="${BENCH_MANY_IDLE_S:-30}"
MANY_REQUESTS="${BENCH_MANY_REQUESTS:-500}"

many_row() {
  local key=ac-many dir="$WORK/many" port pid out rc=0 logf="$WORK/ac-many.log" check csv="$RESULTS/many.csv" threads
  mkdir -p "$dir"
  port="$(free_port 18183)"
  ac_worker "$WORK/$key.worker.properties" "$WORK/$key.offsets"
  echo "listeners=http://127.0.0.1:$port" >>"$WORK/$key.worker.properties"
  sleep 2
  launch ActorConnect "$logf" dotnet "$HOST_DLL" standalone "$WORK/$key.worker.properties" ${BENCH_MANY_HOCON:+--hocon "$BENCH_MANY_HOCON"}
  pid="$LAUNCHED"
  local i=0
  until curl -sf "http://127.0.0.1:$port/connectors" >/dev/null; do
    alive "$pid" || { tail -n 25 "$logf" >&2; die "the many-tasks worker exited at start"; }
    ((i++ < 600)) || die "the many-tasks worker's REST API did not answer within 60 s"
    sleep 0.1
  done
  out="$(acbench many-tasks "http://127.0.0.1:$port" "$BOOTSTRAP" "$dir" "$T-many" --pid "$pid" --sources "$MANY_SOURCES" \
    --sink-tasks "$MANY_SINK_TASKS" --lines "$MANY_LINES" --idle-s "$MANY_IDLE_S" --requests "$MANY_REQUESTS" \
    --timeout "$TIMEOUT_S" $PROTO 2>"$WORK/$key.acbench.log")" || rc=$?
  threads="$(thread_counts "$pid")"
  stop_pid "$pid"
  check_broker
  # The floor: the same librdkafka clients alone, idle, in one process (acbench raw-idle), on the same topics.
  local raw raw_cpu="" raw_threads="" raw_rss_mb=""
  if ((rc == 0)) && raw="$(acbench raw-idle "$BOOTSTRAP" "$T-many" --sources "$MANY_SOURCES" --sink-tasks "$MANY_SINK_TASKS" \
      --idle-s "$MANY_IDLE_S" --timeout "$TIMEOUT_S" $PROTO 2>"$WORK/raw-idle.log")"; then
    raw_cpu="$(field idle_cpu_pct "$raw")"; raw_threads="$(field threads "$raw")"
    raw_rss_mb="$(mb "$(field rss_kb "$raw")")"
    log "ROW many tasks, raw clients alone: $(field clients "$raw") librdkafka clients idle: CPU $raw_cpu% of a core, $raw_threads threads, RSS $raw_rss_mb MB"
  else
    tail -n 10 "$WORK/raw-idle.log" >&2
    log "the raw clients' idle floor could not be measured"
  fi
  # acbench made the topics with metadata requests (auto-create, num.partitions=3): one kafka-topics.sh run (a JVM) deletes
  # them all by pattern, where the script's cleanup would start one per topic.
  if [[ "${BENCH_KEEP_TOPICS:-0}" != 1 ]]; then
    LOG_DIR="$WORK/tool-logs" "$KAFKA_HOME/bin/kafka-topics.sh" --zookeeper "127.0.0.1:${ZK_LOCAL_PORT:-12181}" --delete --topic "$T-many-.*" >/dev/null 2>&1 ||
      log "could not delete the topics $T-many-*"
  fi
  if ((rc != 0)) || [[ -z "$(field tasks "$out")" ]]; then
    tail -n 10 "$WORK/$key.acbench.log" >&2
    tail -n 25 "$logf" >&2
    check="FAILED"
  else
    check="$(field check "$out")"
  fi
  local f; for f in running_s rss_kb hwm_kb threads idle_cpu_pct rest_p50_ms rest_p99_ms rest_max_ms connectors tasks; do
    printf -v "MANY_${f^^}" '%s' "$(field "$f" "$out")"
  done
  local rss_mb="" hwm_mb=""
  [[ -n "$MANY_RSS_KB" ]] && rss_mb="$(mb "$MANY_RSS_KB")"
  [[ -n "$MANY_HWM_KB" ]] && hwm_mb="$(mb "$MANY_HWM_KB")"
  log "ROW many tasks: $MANY_CONNECTORS connectors, $MANY_TASKS tasks RUNNING after $MANY_RUNNING_S s; RSS $rss_mb MB (peak $hwm_mb), $MANY_THREADS threads, idle CPU $MANY_IDLE_CPU_PCT% of a core, REST p50 $MANY_REST_P50_MS ms p99 $MANY_REST_P99_MS ms ($check)"
  [[ -f "$csv" ]] || echo "run,case,system,connectors,tasks,running_s,rss_mb,peak_rss_mb,threads,idle_cpu_pct,rest_p50_ms,rest_p99_ms,rest_max_ms,check,run_date" >"$csv"
  echo "$RUN_ID,$MANY_CONNECTORS connectors $MANY_TASKS tasks,ActorConnect,$MANY_CONNECTORS,$MANY_TASKS,$MANY_RUNNING_S,$rss_mb,$hwm_mb,$MANY_THREADS,$MANY_IDLE_CPU_PCT,$MANY_REST_P50_MS,$MANY_REST_P99_MS,$MANY_REST_MAX_MS,$check,$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$csv"
  [[ -z "$raw_cpu" ]] || echo "$RUN_ID,$MANY_CONNECTORS connectors $MANY_TASKS tasks,Confluent.Kafka (the same clients alone),,$MANY_TASKS,,$raw_rss_mb,,$raw_threads,$raw_cpu,,,,ok,$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$csv"
  {
    echo "# Many tasks on one worker"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC') (run $RUN_ID, commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)); load average at start $LOAD_START"
    echo "- One standalone worker, REST on${BENCH_MANY_HOCON:+, --hocon $BENCH_MANY_HOCON}; $MANY_SOURCES FileStreamSource connectors (1 task, $MANY_LINES lines each) and $MANY_SOURCES FileStreamSink connectors (tasks.max=$MANY_SINK_TASKS, each reading two 3-partition topics)"
    echo
    echo "| Connectors | Tasks | All RUNNING s | RSS MB | Peak RSS MB | Threads | Idle CPU % of a core | REST p50 ms | REST p99 ms | REST max ms | Check |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    echo "| $MANY_CONNECTORS | $MANY_TASKS | $MANY_RUNNING_S | $rss_mb | $hwm_mb | $MANY_THREADS | $MANY_IDLE_CPU_PCT | $MANY_REST_P50_MS | $MANY_REST_P99_MS | $MANY_REST_MAX_MS | $check |"
    [[ -z "$raw_cpu" ]] || echo "| the same $MANY_TASKS librdkafka clients alone (acbench raw-idle) | | | $raw_rss_mb | | $raw_threads | $raw_cpu | | | | ok |"
    echo
    echo "Aims: RSS ≤ 400 MB, idle CPU ≤ 5% of a core, REST p99 ≤ 50 ms. RSS and threads after the idle period and the REST reads;"
    echo "idle CPU over $MANY_IDLE_S s once every line was delivered; REST: $MANY_REQUESTS reads one at a time."
    echo
    echo "Threads by name (count), at the end: $threads"
    echo
    echo "Idle CPU by thread name (count, % of a core): $(sed -n 's/^IDLE_THREADS //p' <<<"$out")"
  } >"$RESULTS/many.md"
  DIAG+=("- **ActorConnect many tasks** (pid $pid): threads by name: $threads")
}

# Threads of a process by name (digits folded), most first: where the thread count comes from.
thread_counts() {
  cat /proc/"$1"/task/*/comm 2>/dev/null | sed -E 's/[0-9]+$/#/' | sort | uniq -c | sort -rn | head -n 12 | awk '{c=$1; $1=""; printf "%s%s (%d)", (NR>1?"; ":""), substr($0,2), c}'
}
