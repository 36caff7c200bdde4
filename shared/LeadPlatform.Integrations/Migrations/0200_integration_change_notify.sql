-- Every committed change to the catalog (by the API, a seed, or plain SQL) tells each service's IntegrationStore to
-- drop its snapshot (LISTEN integrations_changed): an edit is seen everywhere at once, not after a cache expiry.
create or replace function integrations.notify_integrations_changed() returns trigger language plpgsql as $$
begin
    perform pg_notify('integrations_changed', '');
    return null;
end
$$;

create trigger integration_changed
    after insert or update or delete or truncate on integrations.integration
    for each statement execute function integrations.notify_integrations_changed();
