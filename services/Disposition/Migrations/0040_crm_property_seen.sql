-- The last value of each status property a CRM reported per record (integration, record, property), so a channel
-- that re-sends a record's whole state (polling, Salesforce outbound messages) adds a status only when it changed.
create table if not exists disposition.crm_property_seen (
    integration_id text not null,
    record_id      text not null,
    property       text not null,
    value          text not null,
    seen_at        timestamptz not null default now(),
    primary key (integration_id, record_id, property)
);
