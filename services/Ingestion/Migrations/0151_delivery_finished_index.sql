-- The overview counts deliveries finished per hour and their latency: finished rows by when they finished.
create index if not exists lead_delivery_finished on ingestion.lead_delivery (updated_at) where state <> 'planned';
