-- Dealer CRM providers saved through the admin API (/v1/dealer-providers/{id}); the shipped entries are data in the
-- code (DealerProviders/Catalog/*.json) and a row here with the same id overrides one.
create table if not exists integrations.dealer_provider (
    id          text primary key,
    document    jsonb not null,
    updated_at  timestamptz not null default now()
);
