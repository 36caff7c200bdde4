create schema if not exists disposition;

-- Leads this service has heard of (LeadConverted or LeadDelivered); a disposition for any other lead is refused.
create table if not exists disposition.lead (
    lead_id     uuid primary key,
    account_id  text,
    status      text,            -- current status in the common vocabulary: the latest mapped one by occurrence
    raw_status  text,
    status_at   timestamptz,
    created_at  timestamptz not null default now()
);

-- CRM record id -> lead, per integration, so a CRM naming its own record resolves to our lead.
create table if not exists disposition.crm_record (
    integration_id text not null,
    record_id      text not null,
    record_kind    text not null,
    lead_id        uuid not null,
    primary key (integration_id, record_id)
);

-- Everything that happened to a lead; dedupe_key makes every source apply once.
create table if not exists disposition.timeline (
    id             bigserial primary key,
    lead_id        uuid not null,
    kind           text not null,      -- converted | delivered | delivery-failed | status | activity
    source         text not null,      -- platform | push | poll
    integration_id text,
    provider       text,
    raw_value      text,
    value          text,               -- the common vocabulary value; null when unmapped
    mapped         boolean not null default true,
    details        jsonb,
    occurred_at    timestamptz not null,
    recorded_at    timestamptz not null default now(),
    dedupe_key     text not null unique
);

create index if not exists timeline_lead on disposition.timeline (lead_id, occurred_at, id);

-- Raw values no mapping covered, with how often they were seen, so someone can add the mapping.
create table if not exists disposition.unmapped (
    provider      text not null,
    kind          text not null,       -- status | activity
    raw_value     text not null,
    seen          bigint not null default 0,
    first_seen_at timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    primary key (provider, kind, raw_value)
);

-- Where each polled integration's feed was read up to.
create table if not exists disposition.poll_cursor (
    integration_id text primary key,
    cursor         text,
    polled_at      timestamptz,
    failures       int not null default 0,
    last_error     text
);
