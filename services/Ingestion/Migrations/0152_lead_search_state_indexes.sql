-- Lead search by status and by delivery state (GET /v1/leads/search?status=...&deliveryState=...), keyset-paged.
create index if not exists lead_status_accepted_keyset on ingestion.lead (status, accepted_at desc, id desc);
create index if not exists lead_delivery_state on ingestion.lead_delivery (state, lead_id);
