-- CRM rate limits shared by every instance of a connector: the permits granted in the last window (a sliding log),
-- and pauses a CRM asked for (rate-limit headers, 429 Retry-After). Rows older than the window are deleted as
-- permits are taken, so the tables stay a few rows per limited key.
create table if not exists delivery.rate_grant (
    key        text        not null,
    granted_at timestamptz not null
);
create index if not exists rate_grant_key_time on delivery.rate_grant (key, granted_at);

create table if not exists delivery.rate_pause (
    key          text primary key,
    paused_until timestamptz not null
);

-- Takes one permit of p_key when fewer than p_permits were granted in the last p_window and no pause holds, and
-- answers 0; otherwise answers the seconds to wait before asking again. Serialized per key by a transaction-scoped
-- advisory lock, so instances asking at once never both take the last permit.
create or replace function delivery.take_rate_permit(p_key text, p_permits int, p_window interval) returns double precision
language plpgsql as $$
declare
    t      timestamptz;
    paused timestamptz;
    used   int;
    oldest timestamptz;
begin
    perform pg_advisory_xact_lock(hashtextextended('rate:' || p_key, 0));
    t := clock_timestamp();
    select paused_until into paused from delivery.rate_pause where key = p_key;
    if paused > t then
        return extract(epoch from paused - t);
    end if;
    delete from delivery.rate_grant where key = p_key and granted_at <= t - p_window;
    select count(*), min(granted_at) into used, oldest from delivery.rate_grant where key = p_key;
    if used >= p_permits then
        return greatest(extract(epoch from oldest + p_window - t), 0.001);
    end if;
    insert into delivery.rate_grant (key, granted_at) values (p_key, t);
    return 0;
end
$$;
