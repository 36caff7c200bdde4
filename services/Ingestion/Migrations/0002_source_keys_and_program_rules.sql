-- One API key per upstream source (only its SHA-256 is kept), and the accounts it may submit to ('*' = any).
create table if not exists ingestion.source_key (
    source     text primary key,
    key_hash   text not null unique,
    accounts   text[] not null default '{}',
    updated_at timestamptz not null default now()
);

-- Program qualification rules: route a 3rd-party vendor lead to an account (and its dealer/OEM/programs).
-- Every non-empty criterion must match; the lowest priority number wins.
create table if not exists ingestion.program_rule (
    id              text primary key,
    account_id      text not null,
    priority        int not null default 100,
    vendors         text[] not null default '{}',   -- the submitting source, e.g. 'carsdirect'
    makes           text[] not null default '{}',   -- vehicle make
    postal_prefixes text[] not null default '{}',   -- postal-code region, by prefix
    products        text[] not null default '{}',   -- vehicle interest or condition (buy, lease, new, used…)
    dealer_id       text,
    oem_id          text,
    programs        text[] not null default '{}',   -- programs stamped onto the lead
    updated_at      timestamptz not null default now()
);
