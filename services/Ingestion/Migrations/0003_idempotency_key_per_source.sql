-- An Idempotency-Key is the submitting source's own: one source's key must never match (or reveal) another's lead.
drop index if exists ingestion.lead_idempotency_key;
create unique index if not exists lead_source_idempotency_key on ingestion.lead (source, idempotency_key) where idempotency_key is not null;
