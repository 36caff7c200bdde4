-- Long operator operations (bulk replay, error-queue drain) as rows, run by whichever ingestion instance holds the
-- lease: a console restart or a dead instance loses no job. Parameters are filters and queue names, no personal data.
create table if not exists ingestion.operation_job (
    id           uuid primary key,
    kind         text not null check (kind in ('replay', 'drain')),
    params       jsonb not null default '{}',
    requested_by text not null,
    state        text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
    total        int,
    done         int not null default 0,
    failed       int not null default 0,
    steps        jsonb not null default '[]',
    result       text,
    created_at   timestamptz not null default now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    lease_owner  text,
    lease_until  timestamptz
);

create index if not exists operation_job_open on ingestion.operation_job (created_at) where state in ('queued', 'running');
create index if not exists operation_job_recent on ingestion.operation_job (created_at desc);
