#!/usr/bin/env bash
# Infrastructure step shared by build/up.sh and build/test.sh.
#
# Ensures RabbitMQ (AMQP 127.0.0.1:5672, management API 127.0.0.1:15672,
# guest/guest) and PostgreSQL (127.0.0.1:5432, role+db "leadplatform") are up.
#
#   * Docker engine answering + docker-compose.yml at the repo root:
#       docker compose up -d rabbitmq postgres, then wait.
#   * Otherwise: native Debian packages (installed if missing), started directly
#     (works with or without systemd as PID 1).
#
# Idempotent, fast when everything already runs, safe to run concurrently
# (serialised by flock). Services started natively by this script are recorded
# in .run/infra-started-by-us so build/infra-stop.sh stops only those.
#
# Environment knobs:
#   INFRA_TIMEOUT       seconds to wait for each service to become ready (120)
#   INFRA_LOCK_TIMEOUT  seconds to wait for a concurrent infra.sh run (900)
#   INFRA_NO_DOCKER=1   never use Docker even if an engine answers
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$REPO_ROOT/.run"
MARKER="$RUN_DIR/infra-started-by-us"
LOG="$RUN_DIR/infra.log"
LOCK_FILE="/tmp/leadplatform-infra.lock"
TIMEOUT="${INFRA_TIMEOUT:-120}"
LOCK_TIMEOUT="${INFRA_LOCK_TIMEOUT:-900}"

PG_HOST=127.0.0.1
PG_PORT=5432
PG_CLUSTER=main
APP_DB=leadplatform
APP_USER=leadplatform
APP_PASSWORD=leadplatform
PG_MAX_CONNECTIONS=300
RMQ_PORT=5672
RMQ_MGMT_URL="http://127.0.0.1:15672/api/overview"

mkdir -p "$RUN_DIR" 2>/dev/null || true
{ : >>"$LOG"; } 2>/dev/null || LOG=/dev/null   # e.g. non-root with a root-owned .run/

log()  { echo "infra: $*"; }
die()  { echo "infra: ERROR: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

# --- concurrency guard ------------------------------------------------------
# Re-exec this script under flock(1) with -o: flock holds the lock while the
# script runs, but the lock fd is NOT inherited by the script, so daemons it
# starts (postgres, beam, epmd) don't keep holding the lock after we exit.
if [[ "${_LEADPLATFORM_INFRA_LOCKED:-}" != 1 ]]; then
  export _LEADPLATFORM_INFRA_LOCKED=1
  rc=0
  flock -n -o -E 75 "$LOCK_FILE" bash "${BASH_SOURCE[0]}" "$@" || rc=$?
  if (( rc == 75 )); then
    log "another infra.sh run holds $LOCK_FILE, waiting (up to ${LOCK_TIMEOUT}s)"
    rc=0
    flock -w "$LOCK_TIMEOUT" -o -E 75 "$LOCK_FILE" bash "${BASH_SOURCE[0]}" "$@" || rc=$?
    (( rc != 75 )) || die "timed out waiting for lock $LOCK_FILE"
  fi
  exit "$rc"
fi

# --- helpers ----------------------------------------------------------------
tcp_open() { # host port
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1
}

rmq_mgmt_ok() {
  curl -sf -m 5 -u guest:guest "$RMQ_MGMT_URL" >/dev/null 2>&1
}

rmq_ping_ok() {
  timeout 30 rabbitmq-diagnostics -q ping >/dev/null 2>&1
}

pg_ready() {
  if have pg_isready; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

pg_app() { # psql as the app role over TCP with its password; unaligned rows, no errors printed
  PGPASSWORD="$APP_PASSWORD" PGCONNECT_TIMEOUT=5 psql -h "$PG_HOST" -p "$PG_PORT" -U "$APP_USER" -d "$APP_DB" -XtAq "$@" 2>/dev/null
}

app_login_ok() { # leadplatform can log in over TCP with its password, has CREATEDB and owns its db
  local out
  out="$(pg_app -c \
        "select (select rolcanlogin and rolcreatedb from pg_roles where rolname = current_user)
            and (select pg_get_userbyid(datdba) = current_user from pg_database where datname = current_database())")" \
    || return 1
  [[ "$out" == "t" ]]
}

wait_for() { # description command...
  local what="$1"; shift
  local deadline=$((SECONDS + TIMEOUT))
  until "$@"; do
    if (( SECONDS >= deadline )); then
      return 1
    fi
    sleep 1
  done
}

mark_started() { # name
  touch "$MARKER"
  grep -qx "$1" "$MARKER" 2>/dev/null || echo "$1" >>"$MARKER"
}

systemd_running() { [[ -d /run/systemd/system ]]; }

APT_UPDATED=0
apt_install() { # package
  local pkg="$1"
  have apt-get || die "$pkg is not installed and apt-get is not available"
  export DEBIAN_FRONTEND=noninteractive
  local apt_opts=(-y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  # Refresh package lists if the package has no install candidate yet.
  local policy
  policy="$(apt-cache policy "$pkg" 2>/dev/null || true)"   # not piped into grep -q: SIGPIPE + pipefail
  if [[ ! "$policy" =~ Candidate:\ [^\(] ]]; then
    log "running apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update >>"$LOG" 2>&1 || die "apt-get update failed (see $LOG)"
    APT_UPDATED=1
  fi
  log "installing $pkg (apt, output in $LOG)"
  if ! apt-get install "${apt_opts[@]}" "$pkg" >>"$LOG" 2>&1; then
    if (( APT_UPDATED == 0 )); then
      log "apt-get install failed, retrying after apt-get update"
      apt-get -o DPkg::Lock::Timeout=600 update >>"$LOG" 2>&1 || die "apt-get update failed (see $LOG)"
      APT_UPDATED=1
      apt-get install "${apt_opts[@]}" "$pkg" >>"$LOG" 2>&1 || die "apt-get install $pkg failed (see $LOG)"
    else
      die "apt-get install $pkg failed (see $LOG)"
    fi
  fi
}

pkg_installed() { # package
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# --- Docker path ------------------------------------------------------------
compose_cmd=()
docker_usable() {
  [[ "${INFRA_NO_DOCKER:-0}" != 1 ]] || return 1
  [[ -f "$REPO_ROOT/docker-compose.yml" ]] || return 1
  have docker || return 1
  timeout 15 docker info >/dev/null 2>&1 || return 1
  if docker compose version >/dev/null 2>&1; then
    compose_cmd=(docker compose)
  elif have docker-compose; then
    compose_cmd=(docker-compose)
  else
    log "docker engine answers but neither 'docker compose' nor docker-compose is available; using native services"
    return 1
  fi
}

compose() { (cd "$REPO_ROOT" && "${compose_cmd[@]}" -f docker-compose.yml "$@"); }

rmq_docker_ready() { tcp_open 127.0.0.1 "$RMQ_PORT" && rmq_mgmt_ok; }

compose_pg_ready() {
  compose exec -T postgres pg_isready -q -h 127.0.0.1 >/dev/null 2>&1 && tcp_open "$PG_HOST" "$PG_PORT"
}

docker_path() {
  log "docker engine answers, using docker-compose.yml (rabbitmq, postgres)"
  compose up -d rabbitmq postgres >>"$LOG" 2>&1 || die "docker compose up -d rabbitmq postgres failed (see $LOG)"

  log "waiting for rabbitmq (AMQP :$RMQ_PORT and management API :15672)"
  wait_for rabbitmq rmq_docker_ready \
    || die "rabbitmq container not ready within ${TIMEOUT}s (check: ${compose_cmd[*]} logs rabbitmq)"

  log "waiting for postgresql"
  wait_for postgres compose_pg_ready \
    || die "postgres container not ready within ${TIMEOUT}s (check: ${compose_cmd[*]} logs postgres)"

  if have psql && app_login_ok; then
    return 0
  fi
  log "ensuring role/database $APP_USER inside the postgres container"
  local su="${POSTGRES_SUPERUSER:-postgres}"
  pg_bootstrap_sql | compose exec -T postgres psql -U "$su" -d postgres -XqAt -v ON_ERROR_STOP=1 >>"$LOG" 2>&1 \
    || die "could not create role/database $APP_USER in the postgres container (see $LOG)"
  if have psql; then
    app_login_ok || die "role $APP_USER cannot log in to $PG_HOST:$PG_PORT/$APP_DB with its password"
  fi
}

# --- PostgreSQL bootstrap SQL (idempotent) ---------------------------------
pg_bootstrap_sql() {
  cat <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_USER') THEN
    CREATE ROLE $APP_USER LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  ELSE
    ALTER ROLE $APP_USER LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $APP_DB OWNER $APP_USER'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APP_DB') \gexec
ALTER DATABASE $APP_DB OWNER TO $APP_USER;
SQL
}

# --- native RabbitMQ --------------------------------------------------------
rmq_enable_mgmt_offline() {
  # Cheap check first: the plugin list file, no Erlang VM boot needed.
  if grep -qs 'rabbitmq_management' /etc/rabbitmq/enabled_plugins; then
    return 0
  fi
  log "enabling rabbitmq_management plugin (offline)"
  rabbitmq-plugins enable --offline rabbitmq_management >>"$LOG" 2>&1 \
    || die "rabbitmq-plugins enable --offline rabbitmq_management failed (see $LOG)"
}

rmq_start() {
  if systemd_running && have systemctl; then
    log "starting rabbitmq-server (systemctl)"
    timeout "$TIMEOUT" systemctl start rabbitmq-server >>"$LOG" 2>&1 && return 0
  fi
  if [[ -x /etc/init.d/rabbitmq-server ]]; then
    log "starting rabbitmq-server (init script)"
    # The init script waits via 'rabbitmqctl wait' (up to 600s); bound it.
    timeout "$TIMEOUT" service rabbitmq-server start >>"$LOG" 2>&1 && return 0
    tcp_open 127.0.0.1 "$RMQ_PORT" && return 0
  fi
  log "starting rabbitmq-server (rabbitmq-server -detached)"
  rabbitmq-server -detached >>"$LOG" 2>&1 || true
}

native_rabbitmq() {
  if tcp_open 127.0.0.1 "$RMQ_PORT"; then
    if rmq_mgmt_ok; then
      log "rabbitmq already running (management API answers)"
      return 0
    fi
    log "rabbitmq already running but management API does not answer; enabling rabbitmq_management"
    rabbitmq-plugins enable rabbitmq_management >>"$LOG" 2>&1 \
      || die "rabbitmq-plugins enable rabbitmq_management failed (see $LOG)"
  else
    if ! pkg_installed rabbitmq-server || ! have rabbitmq-server; then
      apt_install rabbitmq-server
    fi
    have rabbitmq-server || die "rabbitmq-server binary not found after install"
    rmq_enable_mgmt_offline
    rmq_start
    mark_started rabbitmq
  fi

  log "waiting for rabbitmq (diagnostics ping + management API, up to ${TIMEOUT}s)"
  wait_for rabbitmq-ping rmq_ping_ok \
    || die "rabbitmq did not answer 'rabbitmq-diagnostics ping' within ${TIMEOUT}s (see /var/log/rabbitmq/ and $LOG)"
  wait_for rabbitmq-mgmt rmq_mgmt_ok \
    || die "rabbitmq management API ($RMQ_MGMT_URL) not answering within ${TIMEOUT}s (see /var/log/rabbitmq/)"
}

# --- native PostgreSQL ------------------------------------------------------
pg_version() { # newest installed server major version
  ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1
}

pg_cluster_exists() { # version
  [[ -f "/etc/postgresql/$1/$PG_CLUSTER/postgresql.conf" ]]
}

pg_start_cluster() { # version
  local v="$1"
  if systemd_running && have systemctl; then
    log "starting postgresql $v/$PG_CLUSTER (systemctl)"
    timeout "$TIMEOUT" systemctl start "postgresql@$v-$PG_CLUSTER" >>"$LOG" 2>&1 && return 0
  fi
  log "starting postgresql $v/$PG_CLUSTER (pg_ctlcluster)"
  timeout "$TIMEOUT" pg_ctlcluster "$v" "$PG_CLUSTER" start >>"$LOG" 2>&1 && return 0
  log "pg_ctlcluster failed, trying 'service postgresql start'"
  timeout "$TIMEOUT" service postgresql start >>"$LOG" 2>&1 || true
}

pg_restart_cluster() { # version
  local v="$1"
  if systemd_running && have systemctl; then
    timeout "$TIMEOUT" systemctl restart "postgresql@$v-$PG_CLUSTER" >>"$LOG" 2>&1 && return 0
  fi
  timeout "$TIMEOUT" pg_ctlcluster "$v" "$PG_CLUSTER" restart >>"$LOG" 2>&1
}

pg_super() { # psql as the postgres superuser over the local unix socket (peer auth)
  runuser -u postgres -- psql -p "$PG_PORT" -d postgres -XqAt -v ON_ERROR_STOP=1 "$@"
}

native_postgres() {
  local started=0 v=""
  if pg_ready; then
    log "postgresql already running"
  else
    if ! pkg_installed postgresql || ! have pg_ctlcluster; then
      apt_install postgresql
    fi
    v="$(pg_version)"
    [[ -n "$v" ]] || die "no PostgreSQL server found under /usr/lib/postgresql after install"
    if ! pg_cluster_exists "$v"; then
      log "creating cluster $v/$PG_CLUSTER"
      pg_createcluster "$v" "$PG_CLUSTER" -p "$PG_PORT" >>"$LOG" 2>&1 \
        || die "pg_createcluster $v $PG_CLUSTER failed (see $LOG)"
    fi
    pg_start_cluster "$v"
    mark_started postgresql
    started=1
    log "waiting for postgresql (pg_isready, up to ${TIMEOUT}s)"
    wait_for postgres pg_ready \
      || die "postgresql not ready on $PG_HOST:$PG_PORT within ${TIMEOUT}s (see /var/log/postgresql/)"
  fi

  have psql || die "psql not found (install postgresql-client)"

  # Fast path: role/db already usable over TCP with password auth.
  if app_login_ok; then
    pg_tune
    pg_grant_checkpoint
    pg_grant_walinspect
    return 0
  fi

  log "ensuring role and database '$APP_USER'"
  id postgres >/dev/null 2>&1 || die "postgresql answers on $PG_PORT but there is no local 'postgres' OS user to administer it"
  pg_bootstrap_sql | pg_super >>"$LOG" 2>&1 \
    || die "could not create role/database $APP_USER as the postgres superuser (see $LOG)"
  app_login_ok \
    || die "role $APP_USER cannot log in via 'psql -h $PG_HOST -U $APP_USER -d $APP_DB' with its password (check pg_hba.conf)"
  pg_tune
  pg_grant_checkpoint
  pg_grant_walinspect
}

# build/bench.sh ends its preload with CHECKPOINT, so the phases after it do not pay for the load's writes, and checkpoints
# before each backlog drain, so that no checkpoint begins inside one.
# pg_checkpoint exists from PostgreSQL 15; this local role only (the deployed one never needs it).
pg_grant_checkpoint() {
  local has
  has="$(pg_app -c "select case when not exists (select from pg_roles where rolname = 'pg_checkpoint') then 'n/a'
                                when pg_has_role(current_user, 'pg_checkpoint', 'member') then 'yes' else 'no' end" || true)"
  [[ "$has" == no ]] && id postgres >/dev/null 2>&1 || return 0
  pg_super -c "GRANT pg_checkpoint TO $APP_USER" >>"$LOG" 2>&1 && log "postgresql: $APP_USER may CHECKPOINT (bench preload and drains)" \
    || log "note: could not grant pg_checkpoint to $APP_USER; the bench says so and goes on"
}

# build/bench.sh names the relations of each phase's and drain's full-page images with pg_walinspect (PostgreSQL 15 on): only a
# superuser may install it, and only a grant lets another role read the WAL with it. This local role only.
pg_grant_walinspect() {
  local fn="pg_get_wal_records_info(pg_lsn, pg_lsn)" has
  has="$(pg_app -c "select case when not exists (select from pg_available_extensions where name = 'pg_walinspect') then 'n/a'
                                when coalesce(has_function_privilege(to_regprocedure('$fn'), 'execute'), false) then 'yes' else 'no' end" || true)"
  [[ "$has" == no ]] && id postgres >/dev/null 2>&1 || return 0
  pg_super -d "$APP_DB" -c "CREATE EXTENSION IF NOT EXISTS pg_walinspect" -c "GRANT EXECUTE ON FUNCTION $fn TO $APP_USER" >>"$LOG" 2>&1 \
    && log "postgresql: $APP_USER may read the WAL's records with pg_walinspect (bench phases and drains)" \
    || log "note: could not install pg_walinspect for $APP_USER; the bench says so and goes on"
}

# Settings for a write-heavy database that holds millions of leads (docs/benchmark.md, "Data growth again"): under
# Debian's defaults PostgreSQL checkpoints every few seconds at full rate ("checkpoints are occurring too
# frequently"), each round rewriting whole index pages into the WAL. Shared buffers: a quarter of the memory, at most 4 GB.
pg_wanted_settings() {
  local mem_mb shared_mb
  mem_mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 ))
  shared_mb=$(( mem_mb / 4 < 4096 ? mem_mb / 4 : 4096 ))
  shared_mb=$(( shared_mb / 128 * 128 ))
  echo "max_connections=$PG_MAX_CONNECTIONS"
  (( shared_mb % 1024 == 0 )) && echo "shared_buffers=$(( shared_mb / 1024 ))GB" || echo "shared_buffers=${shared_mb}MB"
  echo "max_wal_size=4GB"
  echo "checkpoint_timeout=15min"
}

pg_tune() { # apply pg_wanted_settings where they differ (one restart for all)
  local wanted=() current=() changes=() names i name want cur
  mapfile -t wanted < <(pg_wanted_settings)
  names="$(printf "'%s'," "${wanted[@]%%=*}")"
  mapfile -t current < <(pg_app -c "select current_setting(n) from unnest(array[${names%,}]) with ordinality as s(n, i) order by i" || true)
  (( ${#current[@]} == ${#wanted[@]} )) || return 0
  for i in "${!wanted[@]}"; do
    name="${wanted[i]%%=*}"; want="${wanted[i]#*=}"; cur="${current[i]}"
    [[ "$cur" != "$want" ]] || continue
    # Never lower max_connections (someone may have raised it further on purpose).
    if [[ "$name" == max_connections && "$cur" =~ ^[0-9]+$ ]] && (( cur >= want )); then continue; fi
    changes+=("$name $cur -> $want")
  done
  (( ${#changes[@]} )) || return 0
  # Only touch a local Debian cluster we can restart ourselves.
  local v
  v="$(pg_version)"
  if [[ -z "$v" ]] || ! pg_cluster_exists "$v" || ! id postgres >/dev/null 2>&1; then
    log "note: not a local cluster, leaving its settings: ${changes[*]}"
    return 0
  fi
  local change
  for change in "${changes[@]}"; do
    log "postgresql: $change (ALTER SYSTEM)"
    name="${change%% *}"; want="${change##* }"
    pg_super -c "ALTER SYSTEM SET $name = '$want'" >>"$LOG" 2>&1 \
      || die "ALTER SYSTEM SET $name failed (see $LOG)"
  done
  pg_restart_cluster "$v" || die "restarting postgresql $v/$PG_CLUSTER failed (see $LOG)"
  wait_for postgres pg_ready \
    || die "postgresql not ready after restart within ${TIMEOUT}s (see /var/log/postgresql/)"
  wait_for postgres-login app_login_ok \
    || die "role $APP_USER cannot log in after restart"
}

# One broker user per service on vhost "/" (docs/security.md, "Broker users"); build/up.sh hands them out.
broker_users() {
  "$REPO_ROOT/build/broker-users.sh" / >>"$LOG" 2>&1 || die "build/broker-users.sh failed (see $LOG)"
  log "broker users per service: passwords in $(source "$REPO_ROOT/build/services.sh" && echo "$LP_BROKER_USERS_ENV")"
}

# --- main -------------------------------------------------------------------
echo "=== infra.sh $(date -Is) ===" >>"$LOG"
# The Browser tests drive Debian's Chromium (Playwright never downloads a browser here).
if [[ ! -x /usr/bin/chromium ]]; then
  if (( EUID == 0 )); then apt_install chromium; else log "chromium is missing (Browser tests need it): run build/infra.sh as root"; fi
fi
if docker_usable; then
  docker_path
else
  if (( EUID != 0 )); then
    # Native management needs root (apt, service start, runuser postgres);
    # only fail if something actually needs doing.
    if tcp_open 127.0.0.1 "$RMQ_PORT" && rmq_mgmt_ok && pg_ready && have psql && app_login_ok; then
      log "rabbitmq and postgresql ready"
      broker_users
      exit 0
    fi
    die "services are not (fully) running and starting them natively needs root; run as root"
  fi
  native_rabbitmq
  native_postgres
fi
log "rabbitmq and postgresql ready"
broker_users
