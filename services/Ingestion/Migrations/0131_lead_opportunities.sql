-- Opportunities the CRMs reported for delivered leads (LeadOpportunityUpdated from Disposition), shown to the lead's
-- supplier on GET /v1/leads/{id}. One row per (lead, integration, CRM opportunity id): the latest state. No personal
-- data; erased with the lead (cascade).
create table if not exists ingestion.lead_opportunity (
    lead_id        uuid not null references ingestion.lead (id) on delete cascade,
    integration_id text not null,
    opportunity_id text not null,
    crm            text not null,
    stage          text,
    amount         numeric,
    close_date     date,
    matched_by     text,
    updated_at     timestamptz not null,
    primary key (lead_id, integration_id, opportunity_id)
);
