using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>The outcome of an update: whether anything changed, the lead's update version and what changed.</summary>
public sealed record LeadUpdate(bool Changed, int Version, IReadOnlyList<string> ChangedFields);

/// <summary>
/// Updates an accepted lead (a resubmission with a changed body, or a PATCH): stores the new payload, bumps the
/// lead's update version and, for a lead with planned deliveries, writes a <see cref="LeadUpdated"/> into the
/// outbox in the same transaction. An unchanged body changes nothing and publishes nothing.
/// </summary>
public sealed class LeadUpdates(NpgsqlDataSource dataSource, OutboxHandoff outbox, TimeProvider clock)
{
    private sealed record Stored(string Payload, string AccountId);

    private sealed record Current(string Payload, string BodyHash, int UpdateVersion);

    /// <summary>Null when the lead does not exist.</summary>
    public async Task<LeadUpdate?> UpdateAsync(Guid leadId, Lead lead, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        const string select = """
            select payload::text as Payload, body_hash as BodyHash, update_version as UpdateVersion
              from ingestion.lead where id = @leadId for update
            """;
        var current = await connection.QuerySingleOrDefaultAsync<Current>(new CommandDefinition(select, new { leadId }, tx, cancellationToken: ct));
        if (current is null)
        {
            return null;
        }
        var before = JsonSerializer.Deserialize<Lead>(current.Payload, PlatformJson.Options)!;
        // What identifies and routes the lead stays as first accepted (PATCH refuses to change it; a resubmission
        // cannot move the lead to another account or change its conversion).
        lead = lead with { Source = before.Source, SourceLeadId = before.SourceLeadId, AccountId = before.AccountId, Conversion = before.Conversion };
        var hash = LeadIntake.BodyHash(lead);
        var changed = ChangedPaths(before, lead);
        if (current.BodyHash == hash || changed.Count == 0)
        {
            return new LeadUpdate(false, current.UpdateVersion, []);
        }

        var version = current.UpdateVersion + 1;
        const string update = """
            update ingestion.lead set payload = @payload::jsonb, body_hash = @hash, update_version = @version where id = @leadId
            """;
        await connection.ExecuteAsync(new CommandDefinition(update, new
        {
            leadId,
            payload = JsonSerializer.Serialize(lead, PlatformJson.Options),
            hash,
            version,
        }, tx, cancellationToken: ct));

        const string deliveriesSql = """
            select integration_id as IntegrationId, crm from ingestion.lead_delivery where lead_id = @leadId order by integration_id
            """;
        var deliveries = (await connection.QueryAsync<(string IntegrationId, string Crm)>(
                new CommandDefinition(deliveriesSql, new { leadId }, tx, cancellationToken: ct)))
            .Select(d => new PlannedDelivery { IntegrationId = d.IntegrationId, Crm = d.Crm }).ToList();
        OutboxEntry? outboxed = null;
        if (deliveries.Count > 0)
        {
            outboxed = await Outbox.AddAsync(connection, tx, new LeadUpdated
            {
                LeadId = leadId,
                Lead = lead,
                ChangedFields = changed,
                Version = version,
                UpdatedAt = clock.GetUtcNow(),
                Deliveries = deliveries,
            }, ct);
        }
        await tx.CommitAsync(ct);
        if (outboxed is not null)
        {
            outbox.Add(outboxed);
        }
        return new LeadUpdate(true, version, changed);
    }

    /// <summary>The stored lead as JSON, for a merge patch; null when the lead does not exist.</summary>
    public async Task<(JsonObject Lead, string AccountId)?> FindAsync(Guid leadId, CancellationToken ct)
    {
        const string sql = "select payload::text as Payload, account_id as AccountId from ingestion.lead where id = @leadId";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Stored>(new CommandDefinition(sql, new { leadId }, cancellationToken: ct));
        return row is null ? null : (JsonNode.Parse(row.Payload)!.AsObject(), row.AccountId);
    }

    /// <summary>RFC 7396 JSON merge patch: objects merge member by member, null removes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name], value);
            }
        }
        return result;
    }

    /// <summary>The camelCase paths of the leaves that differ between two leads (arrays compare whole).</summary>
    public static IReadOnlyList<string> ChangedPaths(Lead before, Lead after)
    {
        var a = Flatten(JsonSerializer.SerializeToNode(before, PlatformJson.Options));
        var b = Flatten(JsonSerializer.SerializeToNode(after, PlatformJson.Options));
        return a.Keys.Union(b.Keys, StringComparer.Ordinal)
            .Where(path => a.GetValueOrDefault(path) != b.GetValueOrDefault(path))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static Dictionary<string, string> Flatten(JsonNode? node)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonNode? current, string path)
        {
            if (current is JsonObject obj)
            {
                foreach (var (name, value) in obj)
                {
                    Walk(value, path.Length == 0 ? name : $"{path}.{name}");
                }
            }
            else if (current is not null)
            {
                leaves[path] = current.ToJsonString();
            }
        }
        Walk(node, "");
        return leaves;
    }
}
