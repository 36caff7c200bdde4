-- Sources compare case-insensitively: "Roobrik" and "roobrik" are one source, for the source lead id and for the
-- Idempotency-Key. Leads stored before this differing only by the case of their source are kept as they are; all but
-- the first of each such group are marked as case duplicates of it and stay out of the new unique indexes (a repeat
-- now matches the first).
alter table ingestion.lead add column if not exists case_duplicate_of uuid;

with ranked as (
    select id, first_value(id) over (partition by lower(source), source_lead_id order by accepted_at, id) as first_id
      from ingestion.lead)
update ingestion.lead l set case_duplicate_of = r.first_id
  from ranked r
 where l.id = r.id and r.first_id <> l.id;

with ranked as (
    select id, first_value(id) over (partition by lower(source), idempotency_key order by accepted_at, id) as first_id
      from ingestion.lead
     where idempotency_key is not null and case_duplicate_of is null)
update ingestion.lead l set case_duplicate_of = r.first_id
  from ranked r
 where l.id = r.id and r.first_id <> l.id;

create unique index if not exists lead_source_ci_lead_id
    on ingestion.lead (lower(source), source_lead_id) where case_duplicate_of is null;
create unique index if not exists lead_source_ci_idempotency_key
    on ingestion.lead (lower(source), idempotency_key) where idempotency_key is not null and case_duplicate_of is null;

-- Both are implied by the indexes above.
alter table ingestion.lead drop constraint if exists lead_source_source_lead_id_key;
drop index if exists ingestion.lead_source_idempotency_key;
