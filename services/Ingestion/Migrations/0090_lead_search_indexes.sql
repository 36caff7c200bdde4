-- The console's lead search (GET /v1/leads/search) pages newest first by (accepted_at, id): one index per way in.
create index if not exists lead_accepted_keyset on ingestion.lead (accepted_at desc, id desc);
create index if not exists lead_account_accepted_keyset on ingestion.lead (account_id, accepted_at desc, id desc);
create index if not exists lead_source_lead_id on ingestion.lead (source_lead_id);
create index if not exists lead_prospect_email on ingestion.lead (lower(payload -> 'prospect' ->> 'email'));
