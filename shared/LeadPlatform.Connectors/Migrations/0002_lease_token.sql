-- Each claim gets a token of its own: renewing the lease and finishing the delivery need it, so a worker whose
-- lease ran out (and was taken over) can no longer overwrite the outcome of the one that took over.
alter table delivery.ledger add column if not exists lease_token uuid;
-- Whether a failure was the CRM refusing the lead (true) or retries running out (false), for re-sent outcomes.
alter table delivery.ledger add column if not exists permanent boolean;
create index if not exists ledger_stale_pending on delivery.ledger (crm, updated_at) where state = 'pending';
