-- When retention or an erasure stripped the lead out of the row's message (the row itself stays as the delivery's
-- idempotency record). A purged failed delivery can no longer be replayed: there is nothing left to deliver.
alter table delivery.ledger add column if not exists purged_at timestamptz;
