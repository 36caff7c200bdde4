-- Autovacuum analyzes these tables about once a minute while they are young and busy, and each ANALYZE read the
-- jsonb of every sampled row (up to 30,000) to build statistics no query uses: nothing filters on the whole payload,
-- and the email search has its own statistics on lead_prospect_email's expression. With the ledger's, that was
-- ~1.3 CPU-s in a few seconds, one stall of the 1,000/s p99 (docs/benchmark.md, "Smaller ANALYZEs of the hot tables").
alter table ingestion.lead alter column payload set statistics 0;
alter table ingestion.lead_delivery alter column record_ids set statistics 0;

-- The outbox is a queue read through its key and its unpublished index: 10 gives a 3,000-row sample instead of
-- 30,000. A column added later needs the same (the sample follows the largest target of any column).
alter table ingestion.outbox
    alter column payload set statistics 0,
    alter column id set statistics 10,
    alter column message_id set statistics 10,
    alter column message_type set statistics 10,
    alter column trace_parent set statistics 10,
    alter column created_at set statistics 10,
    alter column published_at set statistics 10;
