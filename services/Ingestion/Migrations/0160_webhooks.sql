-- Webhook subscriptions of upstream sources, and the events waiting for (or sent to) them.
create table if not exists ingestion.webhook_subscription (
    id          uuid primary key,
    source      text not null,              -- lower case, as leads store it
    url         text not null,
    event_types text[] not null,
    secret      text not null,              -- whsec_…, encrypted (CredentialProtector, dp1: prefix)
    created_at  timestamptz not null default now()
);

create index if not exists webhook_subscription_source on ingestion.webhook_subscription (source);

-- One row per event and subscription, written where the event is learned (the lead's insert, the event's consumer);
-- a background sender claims due rows (for update skip locked) and retries with exponential backoff.
create table if not exists ingestion.webhook_delivery (
    id              bigserial primary key,
    subscription_id uuid not null references ingestion.webhook_subscription (id) on delete cascade,
    event_id        uuid not null,          -- the webhook-id the receiver dedupes by
    event_type      text not null,
    lead_id         uuid not null,
    payload         jsonb not null,
    state           text not null default 'pending',   -- pending | delivered | failed
    attempts        int not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_status     int,
    last_error      text,
    created_at      timestamptz not null default now(),
    delivered_at    timestamptz,
    unique (subscription_id, event_id)
);

create index if not exists webhook_delivery_due on ingestion.webhook_delivery (next_attempt_at) where state = 'pending';
