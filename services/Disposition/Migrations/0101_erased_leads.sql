-- Leads erased (ids only): a LeadConverted, LeadDelivered or LeadDeliveryFailed still in flight when its lead was
-- erased must not put the person back on a timeline.
create table if not exists disposition.erased_lead (
    lead_id   uuid primary key,
    erased_at timestamptz not null default now()
);
