-- Each notification email's state, like a lead's delivery: sending, retrying (with the last error), sent, or failed
-- (refused for good, or retries exhausted and the message left in notifications-lead-delivered_error for replay).
create table if not exists notifications.delivery (
    lead_id        uuid not null,
    integration_id text not null,
    state          text not null,
    attempts       int not null default 0,
    recipients     int not null,
    last_error     text,
    updated_at     timestamptz not null default now(),
    primary key (lead_id, integration_id)
);
