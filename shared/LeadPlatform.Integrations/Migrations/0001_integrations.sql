create schema if not exists integrations;

create table if not exists integrations.integration (
    id          text primary key,
    account_id  text not null,
    crm         text not null,
    level       text not null default 'account',   -- account | dealer | oem
    dealer_id   text,
    oem_id      text,
    filter      jsonb not null default '{}',         -- sources, programs, dealers narrowing what an integration takes
    directions  text[] not null default '{outbound}',
    endpoint    text,
    credentials jsonb not null default '{}',
    settings    jsonb not null default '{}',
    enabled     boolean not null default true,
    updated_at  timestamptz not null default now()
);

create index if not exists integration_account on integrations.integration (account_id) where enabled;
