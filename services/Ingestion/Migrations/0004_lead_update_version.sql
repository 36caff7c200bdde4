-- How many times the lead was updated after acceptance (resubmission with a changed body, or PATCH): LeadUpdated.Version.
alter table ingestion.lead add column if not exists update_version int not null default 0;
