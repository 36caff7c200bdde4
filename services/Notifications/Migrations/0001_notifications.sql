create schema if not exists notifications;

-- One row per (lead, integration) whose notification email was sent: a redelivered LeadDelivered sends nothing.
create table if not exists notifications.sent (
    lead_id        uuid not null,
    integration_id text not null,
    recipients     int not null,
    message_id     text not null,
    sent_at        timestamptz not null default now(),
    primary key (lead_id, integration_id)
);
