-- N disposition instances share the polling schedule: each integration's row is leased by one instance while it
-- polls (lease_token fences its cursor writes), and next_due_at says when any instance may poll it again.
alter table disposition.poll_cursor add column if not exists next_due_at timestamptz;
alter table disposition.poll_cursor add column if not exists lease_until timestamptz;
alter table disposition.poll_cursor add column if not exists lease_token uuid;
