-- Leads erased (ids only): a LeadConverted still in flight when its lead was erased (in a queue, or published by the
-- relay while the erasure ran) must not push the person to a CRM or put them back into the ledger.
create table if not exists delivery.erased_lead (
    lead_id   uuid primary key,
    erased_at timestamptz not null default now()
);
