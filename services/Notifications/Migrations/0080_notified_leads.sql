-- The leads this service may have to email about, from LeadConverted (its own copy: the delivery ledger is the
-- connector pipeline's table). Only leads planned for an integration with notification recipients are kept.
create table if not exists notifications.lead (
    lead_id     uuid primary key,
    message     jsonb not null,
    received_at timestamptz not null default now()
);
