-- What the Integrations:File seeded (kind: integration | source-key | program-rule): seeded once, never again, so an
-- item the API changed, disabled or deleted stays so across restarts.
create table if not exists ingestion.file_seed (
    kind      text not null,
    id        text not null,
    seeded_at timestamptz not null default now(),
    primary key (kind, id)
);
