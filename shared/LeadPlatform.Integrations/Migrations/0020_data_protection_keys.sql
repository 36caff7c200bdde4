-- The ASP.NET Core Data Protection key ring that encrypts integration credentials at rest. Each row is one key's XML as
-- Data Protection writes it; its master key is itself encrypted with the key from configuration (DataProtection:Key).
create table if not exists integrations.data_protection_key (
    friendly_name text primary key,
    xml           text not null,
    created_at    timestamptz not null default now()
);
