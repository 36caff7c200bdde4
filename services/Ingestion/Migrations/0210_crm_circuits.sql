-- Each connector instance's circuit breaker per integration, as its CrmCircuitChanged events say (the breakers live
-- in the connectors' memory; this is ingestion's record of what they reported, for GET /v1/admin/overview).
create table if not exists ingestion.crm_circuit (
    crm            text not null,
    integration_id text not null,
    instance       text not null,
    state          text not null,               -- open | half-open | closed
    changed_at     timestamptz not null,        -- its last transition, by the connector's clock
    since          timestamptz not null,        -- when it last left closed (open/half-open cycles keep it), or closed
    primary key (crm, integration_id, instance)
);
