-- Autovacuum analyzes the ledger about once a minute while it is young and busy, and each ANALYZE sampled 30,000
-- rows with their jsonb: the largest part of a stall in the 1,000/s p99 (docs/benchmark.md, "Smaller ANALYZEs of
-- the hot tables"). The ledger is read only through its key and its partial indexes, whose few states and CRMs fit a
-- target of 10, i.e. a 3,000-row sample; the jsonb columns get none. A column added later needs the same (the
-- sample follows the largest target of any column).
alter table delivery.ledger
    alter column message set statistics 0,
    alter column record_ids set statistics 0,
    alter column lead_id set statistics 10,
    alter column integration_id set statistics 10,
    alter column crm set statistics 10,
    alter column state set statistics 10,
    alter column attempts set statistics 10,
    alter column outcome set statistics 10,
    alter column last_error set statistics 10,
    alter column may_exist set statistics 10,
    alter column next_attempt_at set statistics 10,
    alter column lease_until set statistics 10,
    alter column trace_parent set statistics 10,
    alter column created_at set statistics 10,
    alter column updated_at set statistics 10,
    alter column finished_at set statistics 10,
    alter column outcome_published_at set statistics 10,
    alter column lease_token set statistics 10,
    alter column permanent set statistics 10,
    alter column update_version set statistics 10,
    alter column batched_for set statistics 10,
    alter column purged_at set statistics 10;
