-- The lead's trace context, so a disposition arriving days later links to the lead's trace.
alter table disposition.lead add column if not exists trace_parent text;
