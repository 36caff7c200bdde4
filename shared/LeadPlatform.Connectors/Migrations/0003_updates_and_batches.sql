-- The newest LeadUpdated version the delivery has taken in: applied to the CRM record (delivered), or carried in
-- the ledger message (not yet delivered). A redelivered or older update is then a no-op.
alter table delivery.ledger add column if not exists update_version int not null default 0;
-- For an integration on a daily batch: the batch time this delivery waits for (set once; the batch then delivers it).
alter table delivery.ledger add column if not exists batched_for timestamptz;
