#!/usr/bin/env bash
# Stop what build/up.sh started: the services, then RabbitMQ and PostgreSQL if build/infra.sh started them.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/services.sh

for pidfile in "$LP_RUN"/pids/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    # The service and the restart loop around it (build/up.sh): the whole process group.
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
    echo "down: stopped $(basename "$pidfile" .pid)"
  fi
  rm -f "$pidfile"
done

build/infra-stop.sh
echo "down: nothing of LeadPlatform is running"
