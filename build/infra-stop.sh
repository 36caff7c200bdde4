#!/usr/bin/env bash
# Stops the native RabbitMQ / PostgreSQL servers, but only those that
# build/infra.sh started itself (recorded in .run/infra-started-by-us).
# Anything that was already running before infra.sh (or is managed by
# docker compose) is left alone. Called by build/down.sh.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MARKER="$REPO_ROOT/.run/infra-started-by-us"
LOG="$REPO_ROOT/.run/infra.log"
LOCK_FILE="/tmp/leadplatform-infra.lock"
TIMEOUT="${INFRA_TIMEOUT:-120}"
PG_CLUSTER=main
PG_PORT=5432

log()  { echo "infra: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }
systemd_running() { [[ -d /run/systemd/system ]]; }
tcp_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1; }

if [[ ! -s "$MARKER" ]]; then
  log "infra was not started by infra.sh; leaving rabbitmq and postgresql alone"
  exit 0
fi

mkdir -p "$(dirname "$LOG")"
# Serialise with infra.sh (same lock; -o so children never inherit the lock fd).
if [[ "${_LEADPLATFORM_INFRA_LOCKED:-}" != 1 ]]; then
  export _LEADPLATFORM_INFRA_LOCKED=1
  rc=0
  flock -w "${INFRA_LOCK_TIMEOUT:-900}" -o -E 75 "$LOCK_FILE" bash "${BASH_SOURCE[0]}" "$@" || rc=$?
  if (( rc == 75 )); then echo "infra: ERROR: timed out waiting for lock $LOCK_FILE" >&2; exit 1; fi
  exit "$rc"
fi
echo "=== infra-stop.sh $(date -Is) ===" >>"$LOG"

unmark() { # name
  local tmp
  tmp="$(mktemp)"
  grep -vx "$1" "$MARKER" >"$tmp" || true
  mv "$tmp" "$MARKER"
  [[ -s "$MARKER" ]] || rm -f "$MARKER"
}

rc=0

if grep -qx rabbitmq "$MARKER" 2>/dev/null; then
  log "stopping rabbitmq (started by infra.sh)"
  if systemd_running && have systemctl; then
    timeout "$TIMEOUT" systemctl stop rabbitmq-server >>"$LOG" 2>&1 || true
  fi
  if tcp_open 127.0.0.1 5672 || pgrep -u rabbitmq -x beam.smp >/dev/null 2>&1; then
    timeout "$TIMEOUT" rabbitmqctl stop >>"$LOG" 2>&1 \
      || timeout "$TIMEOUT" service rabbitmq-server stop >>"$LOG" 2>&1 || true
  fi
  # 'rabbitmqctl stop' returns before the Erlang VM has fully exited; wait for it.
  for _ in $(seq 1 30); do
    tcp_open 127.0.0.1 5672 || pgrep -u rabbitmq -x beam.smp >/dev/null 2>&1 || break
    sleep 1
  done
  if tcp_open 127.0.0.1 5672; then
    echo "infra: ERROR: rabbitmq still answers on 5672 (see $LOG)" >&2; rc=1
  else
    unmark rabbitmq
  fi
fi

if [[ -f "$MARKER" ]] && grep -qx postgresql "$MARKER" 2>/dev/null; then
  log "stopping postgresql (started by infra.sh)"
  v="$(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -1 || true)"
  if [[ -n "$v" ]]; then
    if systemd_running && have systemctl; then
      timeout "$TIMEOUT" systemctl stop "postgresql@$v-$PG_CLUSTER" >>"$LOG" 2>&1 || true
    fi
    if pg_isready -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; then
      timeout "$TIMEOUT" pg_ctlcluster "$v" "$PG_CLUSTER" stop -m fast >>"$LOG" 2>&1 \
        || timeout "$TIMEOUT" service postgresql stop >>"$LOG" 2>&1 || true
    fi
  fi
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; then
    echo "infra: ERROR: postgresql still answers on $PG_PORT (see $LOG)" >&2; rc=1
  else
    unmark postgresql
  fi
fi

(( rc == 0 )) && log "infra stopped"
exit "$rc"
