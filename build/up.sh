#!/usr/bin/env bash
# Run the platform on this machine: RabbitMQ and PostgreSQL (installed if needed), every service and the
# CRM sandbox in the background (logs in .run/logs/), the demo integrations, a few demo leads, and a
# summary of where they landed. Leaves everything running; build/down.sh stops it.
# --traces: also a local trace viewer (build/traces.sh), the services exporting to it, and the first demo lead's trace link.
set -euo pipefail
cd "$(dirname "$0")/.."
source build/services.sh
traces=false
[ "${1:-}" = "--traces" ] && traces=true

build/infra.sh

echo "up: building ($LP_CONFIGURATION)"
dotnet build LeadPlatform.sln -c "$LP_CONFIGURATION" -v quiet -nologo -clp:ErrorsOnly

mkdir -p "$LP_RUN/logs" "$LP_RUN/pids"
# The machine's admin key (role admin): generated once, kept under $LP_RUN (mode 600), handed to the services as a keys
# file they read again when it changes (add or rotate keys there, no restart). Services refuse to start without a key.
admin_keys="$LP_RUN/admin-keys.json"
if [ ! -s "$admin_keys" ] || [ ! -s "$LP_RUN/admin-key" ]; then
  (
    umask 077
    key=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    printf '%s\n' "$key" >"$LP_RUN/admin-key"
    printf '{"Admin":{"Keys":{"machine":{"Key":"%s","Role":"admin"}}}}\n' "$key" >"$admin_keys"
  )
  echo "up: generated an admin key for this machine"
fi
chmod 600 "$admin_keys" "$LP_RUN/admin-key"
# Credentials at rest are encrypted under this key (docs/security.md): one random key per machine, kept beside the
# machine's database rather than in this checkout, so a second checkout can read what the first one stored.
dp_key="$LP_STATE_DIR/data-protection.key"
mkdir -p "$LP_STATE_DIR" && chmod 700 "$LP_STATE_DIR"
if [ ! -s "$dp_key" ]; then
  if [ -s "$LP_RUN/data-protection.key" ]; then cp "$LP_RUN/data-protection.key" "$dp_key"   # kept there before
  else (umask 077; head -c 48 /dev/urandom | base64 -w0 >"$dp_key"); fi
fi
chmod 600 "$dp_key"
export DataProtection__Key="$(cat "$dp_key")"
echo "up: credentials encrypted at rest under the key in $dp_key"
# No mail server on a fresh machine: the sandbox runs a mail sink on 127.0.0.1:2525 and the notification email goes
# there (read it back at http://127.0.0.1:5070/sandbox/mail). Set these to use a real SMTP server instead.
export Sandbox__Mail__Port="${Sandbox__Mail__Port:-2525}"
export Notifications__Smtp__Port="${Notifications__Smtp__Port:-2525}" Notifications__Smtp__Tls="${Notifications__Smtp__Tls:-none}"
if $traces; then
  source build/traces.sh
  lp_traces_start "$LP_RUN/pids/trace-viewer.pid" "$LP_RUN/logs/trace-viewer.log"
  echo "up: trace viewer on http://127.0.0.1:$LP_TRACES_UI_PORT (services export OTLP to it)"
fi
# A service that finds its consumers abandoned by a wedged broker client exits with 75 (its consume watchdog,
# docs/faults.md); like Kubernetes or compose's restart policy, run it again then. The pid file holds the loop's pid,
# the leader of the process group build/down.sh stops.
restart_on_75='while dotnet "$0"; [ $? -eq 75 ]; do echo "---- exited with 75 (consume watchdog); starting again"; done'
started=()
for row in "${LP_SERVICES[@]}"; do
  read -r name project assembly port <<<"$row"
  [ -d "$project" ] || continue
  pidfile="$LP_RUN/pids/$name.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "up: $name already running (pid $(cat "$pidfile"))"
  else
    dll="$project/bin/$LP_CONFIGURATION/net10.0/$assembly.dll"
    broker_uri="$(lp_broker_uri "$name")"  # each service its own broker user (docs/security.md, "Broker users")
    (
      cd "$(dirname "$dll")"
      [ -z "$broker_uri" ] || export ConnectionStrings__RabbitMq="$broker_uri"
      Urls="http://127.0.0.1:$port" \
      Integrations__File="$OLDPWD/infra/demo/integrations.json" \
      Admin__KeysFile="$OLDPWD/$admin_keys" \
        setsid nohup bash -c "$restart_on_75" "$(basename "$dll")" >"$OLDPWD/$LP_RUN/logs/$name.log" 2>&1 &
      echo $! >"$OLDPWD/$pidfile"
    )
    echo "up: started $name on 127.0.0.1:$port (log $LP_RUN/logs/$name.log)"
  fi
  started+=("$name:$port")
done

for entry in "${started[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" && break
    if ! kill -0 "$(cat "$LP_RUN/pids/$name.pid")" 2>/dev/null; then
      echo "up: $name exited; last log lines:"; tail -20 "$LP_RUN/logs/$name.log"; exit 1
    fi
    sleep 0.5
  done
  curl -sf -o /dev/null "http://127.0.0.1:$port/health/ready" || { echo "up: $name not healthy after 60s; see $LP_RUN/logs/$name.log"; exit 1; }
done
echo "up: all ${#started[@]} services healthy"

dotnet "tools/LeadPlatform.Demo/bin/$LP_CONFIGURATION/net10.0/LeadPlatform.Demo.dll" \
  --ingestion http://127.0.0.1:5080/ --sandbox http://127.0.0.1:5070/ --disposition http://127.0.0.1:5090/ \
  --api-key demo-roobrik-api-key-0001 --webhook-secret demo-webhook-secret-0123456789abcdef --admin-key "$(cat "$LP_RUN/admin-key")" \
  | tee "$LP_RUN/logs/demo.out"
if $traces; then
  first_lead=$(grep -oE -- '-> lead [0-9a-f-]{36}' "$LP_RUN/logs/demo.out" | head -1 | awk '{print $3}')
  if [ -n "$first_lead" ]; then
    echo "Trace of the first demo lead ($first_lead): $(lp_traces_link "$first_lead")"
  fi
fi

echo
echo "The platform is running: ingestion http://127.0.0.1:5080, disposition http://127.0.0.1:5090, sandbox http://127.0.0.1:5070"
echo "Admin key (X-Admin-Key, role admin): $LP_RUN/admin-key; keys and roles: $LP_RUN/admin-keys.json (re-read on change)."
echo "Logs: $LP_RUN/logs/. Stop everything with build/down.sh."
