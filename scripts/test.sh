#!/usr/bin/env bash
# The one command CI runs (.ci/run): installs what the tests need and runs every test project.
# On a bare Debian machine with the .NET SDK it brings up the local Kafka 0.9 broker (scripts/kafka-local.sh),
# unless KAFKA_BOOTSTRAP_SERVERS already names a broker or a Docker engine answers (then the tests' KafkaFixture
# uses Testcontainers), with an SSL listener beside PLAINTEXT for the TLS tests (KAFKA_SSL_BOOTSTRAP_SERVERS,
# KAFKA_SSL_CA_DIR). It stops only a broker it started itself. Extra arguments go to `dotnet test`.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
KAFKA_LOCAL="$REPO/scripts/kafka-local.sh"

# The web console's tests drive Debian's chromium through Playwright (Playwright's own browser download is not
# reachable); install it once. A fresh machine may have no package lists yet, hence the update on a miss.
if [[ ! -x /usr/bin/chromium ]]; then
  apt_get=(env DEBIAN_FRONTEND=noninteractive apt-get)
  if ((EUID != 0)); then apt_get=(sudo "${apt_get[@]}"); fi
  echo "test.sh: installing chromium for the console tests"
  "${apt_get[@]}" install -y chromium || { "${apt_get[@]}" update && "${apt_get[@]}" install -y chromium; }
fi

bash "$KAFKA_LOCAL" install

STARTED_BROKER=0
STARTED_POSTGRES=0
cleanup() {
  if ((STARTED_BROKER)); then
    bash "$KAFKA_LOCAL" stop || true
  fi
  if ((STARTED_POSTGRES)); then
    bash "$REPO/scripts/postgres-local.sh" stop || true
  fi
}
trap cleanup EXIT

docker_answers() {
  command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1
}

if [[ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  echo "test.sh: using KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS (legacy=${KAFKA_BROKER_LEGACY:-0})"
elif docker_answers; then
  echo "test.sh: a Docker engine answers; the tests start Kafka with Testcontainers"
else
  # `start` reports on stderr whether it started a new broker or found one already up; only the former is ours to stop.
  start_err="$(mktemp)"
  if ! bootstrap="$(bash "$KAFKA_LOCAL" start 2>"$start_err")"; then
    cat "$start_err" >&2
    rm -f "$start_err"
    exit 1
  fi
  cat "$start_err" >&2
  if grep -q 'started-new' "$start_err"; then STARTED_BROKER=1; fi
  rm -f "$start_err"
  export KAFKA_BOOTSTRAP_SERVERS="$bootstrap"
  export KAFKA_BROKER_LEGACY=1
  echo "test.sh: local Kafka 0.9 broker at $KAFKA_BOOTSTRAP_SERVERS (started here: $STARTED_BROKER)"
  # Its SSL listener and test CA, for the TLS tests; without them (a broker started before the listener existed)
  # those tests start a private TLS broker of their own.
  if ssl_info="$(bash "$KAFKA_LOCAL" ssl-info)"; then
    export KAFKA_SSL_BOOTSTRAP_SERVERS="${ssl_info%%$'\n'*}" KAFKA_SSL_CA_DIR="${ssl_info#*$'\n'}"
    echo "test.sh: its SSL listener at $KAFKA_SSL_BOOTSTRAP_SERVERS (test CA in $KAFKA_SSL_CA_DIR)"
  fi
fi

# PostgreSQL for the JDBC connectors' tests: POSTGRES_CONNECTION_STRING if set, else the private local cluster.
if [[ -z "${POSTGRES_CONNECTION_STRING:-}" ]]; then
  pg_err="$(mktemp)"
  POSTGRES_CONNECTION_STRING="$(bash "$REPO/scripts/postgres-local.sh" start 2>"$pg_err")" || { cat "$pg_err" >&2; exit 1; }
  if grep -q 'started-new' "$pg_err"; then STARTED_POSTGRES=1; fi
  rm -f "$pg_err"
  export POSTGRES_CONNECTION_STRING
  echo "test.sh: local PostgreSQL (started here: $STARTED_POSTGRES)"
fi

# One build, then two lanes of tests side by side: the cluster tests (the longest project: in-process clusters and
# worker processes, mostly waiting on the network) beside every other project. Each lane writes its own log;
# the other projects' lane streams to the console, the cluster lane's log follows when both are done.
# ACTORCONNECT_TEST_LANES=1 runs every project in one `dotnet test` of the whole solution.
dotnet build ActorConnect.sln -c Release -nologo -v quiet
lanes_dir="$(mktemp -d)"
filter="$lanes_dir/others.slnf"
mapfile -t test_projects < <(dotnet sln ActorConnect.sln list | grep -E '^(tests|samples)/.*\.Tests\.csproj$')
test_args=(-c Release --no-build --logger "console;verbosity=normal" "$@")
set +e
if [[ "${ACTORCONNECT_TEST_LANES:-2}" == 1 ]]; then
  dotnet test ActorConnect.sln "${test_args[@]}" 2>&1 | tee "$lanes_dir/others.log"
  rc=${PIPESTATUS[0]}
else
  cluster=tests/ActorConnect.Cluster.Tests/ActorConnect.Cluster.Tests.csproj
  others=()
  for project in "${test_projects[@]}"; do
    if [[ "$project" != "$cluster" ]]; then others+=("$project"); fi
  done
  # A solution filter naming the other test projects, so they run as one `dotnet test` (which runs up to one project per core at once).
  printf '{"solution":{"path":"%s","projects":[%s]}}\n' "$REPO/ActorConnect.sln" \
    "$(printf '"%s",' "${others[@]}" | sed 's/,$//')" > "$filter"
  dotnet test "$cluster" "${test_args[@]}" > "$lanes_dir/cluster.log" 2>&1 &
  cluster_pid=$!
  dotnet test "$filter" "${test_args[@]}" 2>&1 | tee "$lanes_dir/others.log"
  others_rc=${PIPESTATUS[0]}
  wait "$cluster_pid"
  cluster_rc=$?
  echo "test.sh: the cluster lane's output (it ran beside the lane above):"
  cat "$lanes_dir/cluster.log"
  rc=$((others_rc != 0 ? others_rc : cluster_rc))
fi
set -e
log="$lanes_dir/all.txt"
cat "$lanes_dir/others.log" "$lanes_dir/cluster.log" > "$log" 2>/dev/null || true

# Sum the per-assembly summaries into one plain closing line CI can read. Depending on the logger verbosity dotnet
# test prints either "Passed!/Failed!  - Failed: N, Passed: N, Skipped: N, Total: N" or a "Total tests: N" block
# followed by "Passed: N" / "Failed: N" / "Skipped: N" lines.
awk '
  /^(Passed|Failed|Skipped)! +- +Failed: / {
    line = $0; gsub(/[ ,]+/, " ", line)
    n = split(line, f, " ")
    for (i = 1; i < n; i++) {
      if (f[i] == "Failed:") s_failed += f[i + 1]
      else if (f[i] == "Passed:") s_passed += f[i + 1]
      else if (f[i] == "Skipped:") s_skipped += f[i + 1]
    }
    short = 1; next
  }
  /^Total tests: [0-9]+/ { inblock = 1; block = 1; next }
  inblock && /^ +Passed: [0-9]+ *$/ { b_passed += $2; next }
  inblock && /^ +Failed: [0-9]+ *$/ { b_failed += $2; next }
  inblock && /^ +Skipped: [0-9]+ *$/ { b_skipped += $2; next }
  inblock && /^ +Total time:/ { inblock = 0; next }
  END {
    if (short) printf "Total: %d passed, %d failed, %d skipped\n", s_passed, s_failed, s_skipped
    else if (block) printf "Total: %d passed, %d failed, %d skipped\n", b_passed, b_failed, b_skipped
  }
' "$log"

# A failure's name and message sit mid-log, among thousands of lines; repeat each failed test's block at the end
# so the tail that CI keeps names what failed and why.
if ((rc != 0)); then
  echo "test.sh: failed tests, repeated from above:"
  awk '
    /^  Failed [^ ]/ { show = 1; n = 0 }
    /^  (Passed|Skipped) [^ ]/ || /^\[xUnit\.net / || /^Test Run / { show = 0 }
    show && n < 150 { print; n++ }
  ' "$log"
fi
rm -rf "$lanes_dir"
exit "$rc"
