-- Connectors now repeat a breaker's state while it is not closed (CrmCircuitChanged.reportEverySeconds). A breaker
-- not heard from in three such intervals belongs to an instance that is gone (killed with its breaker open), and the
-- overview leaves it out. Rows of instances that do not repeat (report_every null) are read as before.
alter table ingestion.crm_circuit add column if not exists reported_at timestamptz;
alter table ingestion.crm_circuit add column if not exists report_every interval;
