-- The prospect's (or contact's) email, lower-cased, so an opportunity reported by email finds its lead.
alter table disposition.lead add column if not exists email text;
create index if not exists lead_email on disposition.lead (email) where email is not null;
