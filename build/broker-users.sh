#!/usr/bin/env bash
# One RabbitMQ user per service (and one for upstream lead publishers), each allowed only its own queues and
# exchanges, so nobody but disposition can publish LeadStatusChanged, nobody but ingestion LeadConverted, and an
# upstream publisher can write to nothing but the intake exchange. See docs/security.md, "Broker users".
#
# Called by build/infra.sh (vhost "/"); build/up.sh hands each service its user (lp_broker_uri in build/services.sh).
# Usage: build/broker-users.sh [vhost]   (default "/"; management API at RMQ_MGMT, admin RMQ_ADMIN_USER/PASS)
# Passwords are generated once and kept in $LP_STATE_DIR/broker-users.env (build/services.sh: one file per machine, as
# the broker is; mode 600); re-running keeps them.
# BROKER_USER_PREFIX (default "lp-") and BROKER_USERS_ENV (the passwords file) let tests make users of their own.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VHOST="${1:-/}"
MGMT="${RMQ_MGMT:-http://127.0.0.1:15672}"
ADMIN="${RMQ_ADMIN_USER:-guest}:${RMQ_ADMIN_PASS:-guest}"
PREFIX="${BROKER_USER_PREFIX:-lp-}"
ENV_FILE="${BROKER_USERS_ENV:-$(source "$REPO_ROOT/build/services.sh" && echo "$LP_BROKER_USERS_ENV")}"
mkdir -p "$(dirname "$ENV_FILE")"
touch "$ENV_FILE" && chmod 600 "$ENV_FILE"
vhost_enc="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$VHOST")"

# Type exchanges are MassTransit's per message type; endpoint queues/exchanges carry the service's prefix; *_bus_* are
# MassTransit's temporary bus endpoints (request responses). Configure on type exchanges is needed to declare them.
# FAULT: MassTransit publishes Fault<T> when a consumer fails (nobody consumes them; a refused publish would close the
# consumer's channel instead).
C='LeadPlatform\.Contracts:.*'
BUS='[^:]*_bus_.*'
FAULT='MassTransit:Fault(--.*)?'

put_user() { # name tags configure write read
  local name="$PREFIX$1" tags="$2" password
  password="$(grep -E "^${name//-/_}=" "$ENV_FILE" | cut -d= -f2- || true)"
  if [[ -z "$password" ]]; then
    password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
    echo "${name//-/_}=$password" >>"$ENV_FILE"
  fi
  curl -sf -u "$ADMIN" -X PUT -H 'content-type: application/json' "$MGMT/api/users/$name" \
    -d "{\"password\":\"$password\",\"tags\":\"$tags\"}" >/dev/null
  python3 - "$3" "$4" "$5" >/tmp/broker-perm.$$ <<'PY'
import json, sys
print(json.dumps({"configure": sys.argv[1], "write": sys.argv[2], "read": sys.argv[3]}))
PY
  curl -sf -u "$ADMIN" -X PUT -H 'content-type: application/json' "$MGMT/api/permissions/$vhost_enc/$name" \
    -d @/tmp/broker-perm.$$ >/dev/null
  rm -f /tmp/broker-perm.$$
  echo "broker user $name on vhost $VHOST"
}

# ingestion: publishes LeadConverted, LeadUpdated, EraseLeadData; reads and drains every *_error queue, reads *_skipped (operations,
# erasure: the management tag lists them); amq.default because a drain republishes to the source queue by name.
put_user ingestion management \
  "^(ingestion-.*|$C|$FAULT|$BUS)\$" \
  "^(ingestion-.*|LeadPlatform\.Contracts:(LeadConverted|LeadUpdated|EraseLeadData|ReplayDelivery)|$FAULT|$BUS|amq\.default)\$" \
  "^(ingestion-.*|.*_error|.*_skipped|$C|$FAULT|$BUS)\$"
# each connector: its own queue, the shared delivery-erasure and delivery-replay queues; publishes LeadDelivered, LeadDeliveryFailed.
for crm in enquire alis salesforce hubspot adf; do
  put_user "connector-$crm" "" \
    "^(connector-$crm.*|delivery-erasure.*|delivery-replay.*|$C|$FAULT|$BUS)\$" \
    "^(connector-$crm.*|delivery-erasure.*|delivery-replay.*|LeadPlatform\.Contracts:(LeadDelivered|LeadDeliveryFailed)|$FAULT|$BUS)\$" \
    "^(connector-$crm.*|delivery-erasure.*|delivery-replay.*|$C|$FAULT|$BUS)\$"
done
# disposition: the only one who may say what a CRM said.
put_user disposition "" \
  "^(disposition-.*|$C|$FAULT|$BUS)\$" \
  "^(disposition-.*|LeadPlatform\.Contracts:(LeadStatusChanged|LeadActivityRecorded|LeadOpportunityUpdated)|$FAULT|$BUS)\$" \
  "^(disposition-.*|$C|$FAULT|$BUS)\$"
# notifications: publishes nothing.
put_user notifications "" \
  "^(notifications-.*|$C|$FAULT|$BUS)\$" \
  "^(notifications-.*|$FAULT|$BUS)\$" \
  "^(notifications-.*|$C|$FAULT|$BUS)\$"
# upstream lead publishers: write to the intake exchange only (MassTransit's exchange named after the queue), not to
# amq.default (which would reach any queue by name). Each message still needs its source's X-Api-Key. Its own bus
# endpoint (*_bus_*) is where a reply (LeadAccepted, LeadRefused) comes back; a raw publisher's server-named reply
# queue (amq.gen-*, named in reply_to) too.
put_user intake "" "^($BUS|amq\.gen-.*)\$" "^(ingestion-submit-lead|$BUS)\$" "^($BUS|amq\.gen-.*)\$"
echo "passwords: $ENV_FILE"
