-- Leads erased (ids only): a LeadConverted still in flight when its lead was erased is not kept again.
create table if not exists notifications.erased_lead (
    lead_id   uuid primary key,
    erased_at timestamptz not null default now()
);
