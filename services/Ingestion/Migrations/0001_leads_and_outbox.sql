create schema if not exists ingestion;

create table if not exists ingestion.lead (
    id              uuid primary key,
    source          text not null,
    source_lead_id  text not null,
    account_id      text not null,
    conversion      text not null,
    payload         jsonb not null,
    idempotency_key text,
    body_hash       text not null,
    status          text not null default 'Pending',
    status_at       timestamptz,
    accepted_at     timestamptz not null default now(),
    unique (source, source_lead_id)
);

create unique index if not exists lead_idempotency_key on ingestion.lead (idempotency_key) where idempotency_key is not null;

-- What each integration was planned to receive, and what its connector reported back.
create table if not exists ingestion.lead_delivery (
    lead_id        uuid not null references ingestion.lead (id),
    integration_id text not null,
    crm            text not null,
    state          text not null default 'planned',   -- planned | delivered | failed
    attempts       int not null default 0,
    record_ids     jsonb,
    last_error     text,
    updated_at     timestamptz not null default now(),
    primary key (lead_id, integration_id)
);

-- Written in the same transaction as the lead; the relay publishes rows after commit.
create table if not exists ingestion.outbox (
    id           bigserial primary key,
    message_id   uuid not null unique,
    message_type text not null,
    payload      jsonb not null,
    trace_parent text,
    created_at   timestamptz not null default now(),
    published_at timestamptz
);

create index if not exists outbox_unpublished on ingestion.outbox (id) where published_at is null;
