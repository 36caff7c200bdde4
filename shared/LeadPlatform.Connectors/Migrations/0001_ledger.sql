create schema if not exists delivery;

-- One row per (lead, integration): the delivery ledger every connector shares.
create table if not exists delivery.ledger (
    lead_id              uuid not null,
    integration_id       text not null,
    crm                  text not null,
    state                text not null,            -- pending | in_progress | retry_scheduled | delivered | failed
    attempts             int not null default 0,
    record_ids           jsonb,
    outcome              text,                     -- created | updated
    last_error           text,
    may_exist            boolean not null default false, -- an earlier attempt may have created the CRM record
    next_attempt_at      timestamptz,
    lease_until          timestamptz,
    message              jsonb not null,           -- the LeadConverted, so later retries need no broker message
    trace_parent         text,
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    finished_at          timestamptz,
    outcome_published_at timestamptz,
    primary key (lead_id, integration_id)
);

create index if not exists ledger_due on delivery.ledger (crm, next_attempt_at) where state = 'retry_scheduled';
create index if not exists ledger_leased on delivery.ledger (crm, lease_until) where state = 'in_progress';
create index if not exists ledger_unpublished on delivery.ledger (crm) where state in ('delivered', 'failed') and outcome_published_at is null;
create index if not exists ledger_failed on delivery.ledger (crm, finished_at) where state = 'failed';
