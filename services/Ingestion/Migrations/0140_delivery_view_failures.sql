-- Ingestion's delivery view answers the operators' failed-delivery queries itself (the ledger is the connector
-- pipeline's): when a delivery failed, from LeadDeliveryFailed, and which failures are being replayed
-- (state 'replaying' until the pipeline reports the new outcome). Existing failures keep their last update as the
-- time they failed; nothing is read from the ledger.
alter table ingestion.lead_delivery add column if not exists failed_at timestamptz;
alter table ingestion.lead_delivery add column if not exists outcome text;
update ingestion.lead_delivery set failed_at = updated_at where state = 'failed' and failed_at is null;
create index if not exists lead_delivery_failed on ingestion.lead_delivery (failed_at) where state = 'failed';
