#!/usr/bin/env bash
# Lead search with a million leads stored (not a test; `build/bench.sh --lead-search [N]` calls it). Makes a database of
# its own, applies ingestion's migrations (so the indexes are the real ones), loads N leads (default 1,000,000) with
# COPY, a delivery each (1 in 50 failed), then times the SQL that GET /v1/leads/search runs for a page of 25: the first
# page, a page deep in the keyset, by account, by email, by status and by delivery state. Prints each in milliseconds
# (PostgreSQL's execution time, best of 3; the HTTP layer adds a few ms) and drops the database.
set -euo pipefail
cd "$(dirname "$0")/.."
leads="${1:-1000000}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-leadplatform}" PGPASSWORD="${PGPASSWORD:-leadplatform}"
db="lp_bench_search_$$"
psql -qd leadplatform -c "create database $db"
trap 'psql -qd leadplatform -c "drop database if exists $db" >/dev/null' EXIT
q() { psql -qAtX -v ON_ERROR_STOP=1 -d "$db" "$@"; }

for migration in services/Ingestion/Migrations/*.sql; do q -f "$migration" >/dev/null; done
echo "loading $leads leads with COPY..."
start=$(date +%s)
q -c "copy (select md5(i::text)::uuid, 'bench', 'bench-' || i, 'account-' || (i % 200), 'sales-opt-in',
              jsonb_build_object('prospect', jsonb_build_object('firstName', 'F' || i, 'lastName', 'L' || i, 'email', 'p' || i || '@example.com')),
              md5(i::text), (array['Pending','Working','Sold','Lost'])[1 + i % 4], now() - make_interval(secs => $leads - i)
         from generate_series(1, $leads) i) to stdout" \
  | q -c "copy ingestion.lead (id, source, source_lead_id, account_id, conversion, payload, body_hash, status, accepted_at) from stdin"
q -c "copy (select md5(i::text)::uuid, 'account-enquire', 'enquire', case when i % 50 = 0 then 'failed' else 'delivered' end
         from generate_series(1, $leads) i) to stdout" \
  | q -c "copy ingestion.lead_delivery (lead_id, integration_id, crm, state) from stdin"
q -c "vacuum analyze ingestion.lead" -c "vacuum analyze ingestion.lead_delivery" >/dev/null
echo "loaded in $(( $(date +%s) - start )) s"

select="select id, account_id, source, source_lead_id, status, accepted_at, payload -> 'prospect' ->> 'firstName',
        payload -> 'prospect' ->> 'lastName', payload -> 'prospect' ->> 'email' from ingestion.lead"
deep=$(q -c "select accepted_at || '|' || id from ingestion.lead order by accepted_at desc, id desc offset $(( leads / 2 )) limit 1")
time_ms() {
  local best=""
  for _ in 1 2 3; do
    local ms
    ms=$(q -c "explain (analyze, format json) $select where $1 order by accepted_at desc, id desc limit 26" | grep -o '"Execution Time": [0-9.]*' | grep -o '[0-9.]*$')
    best=$(printf '%s\n%s\n' "$ms" "${best:-$ms}" | sort -g | head -1)
  done
  printf '  %-28s %8.2f ms\n' "$2" "$best"
}
echo "lead search, a page of 25 with $leads leads:"
time_ms "true" "first page"
time_ms "(accepted_at, id) < ('${deep%%|*}', '${deep##*|}')" "page half-way (keyset)"
time_ms "account_id = 'account-7'" "by account"
time_ms "lower(payload -> 'prospect' ->> 'email') = 'p4242@example.com'" "by email"
time_ms "status = 'Sold'" "by status"
time_ms "exists (select 1 from ingestion.lead_delivery d where d.lead_id = lead.id and d.state = 'failed')" "by delivery state (failed)"
