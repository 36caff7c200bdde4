-- Who erased a person's data, when, and how much, per store. Deliberately no personal data: not the email, not a
-- hash of it (a hash of an email is found again by hashing guesses), not the lead ids.
create table if not exists ingestion.erasure_log (
    id           uuid primary key,
    requested_by text not null,
    subject_kind text not null,              -- email | leadId: what the request named, never its value
    leads        int not null,
    erased       jsonb not null,             -- {"store": {"table": rows}}
    crm_records  int not null,               -- how many CRM records still hold the person
    unanswered   text[] not null default '{}', -- stores that did not answer in time (the erasure must be repeated)
    requested_at timestamptz not null,
    finished_at  timestamptz not null default now()
);
