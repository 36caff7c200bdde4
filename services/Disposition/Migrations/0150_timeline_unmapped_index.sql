-- The entries a new mapping applies to: one integration's unmapped statuses or activities.
create index if not exists timeline_unmapped on disposition.timeline (integration_id, kind) where not mapped;
