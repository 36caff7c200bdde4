-- A source key reads only its own source's leads unless granted its accounts' leads explicitly (issue 16, hole 11).
alter table ingestion.source_key add column if not exists read_account_leads boolean not null default false;
