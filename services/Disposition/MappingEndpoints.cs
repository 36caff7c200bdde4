using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Disposition;

/// <summary>
/// Maps an unmapped raw value: saved into the integration's <c>settings.statusMap</c> / <c>settings.activityMap</c>
/// (the mapping <see cref="Normalizer"/> reads), then the entries already waiting on its timelines take the common value.
/// </summary>
public static class MappingEndpoints
{
    /// <summary>The saved mapping and how many waiting entries took it.</summary>
    public sealed record MapOutcome(string IntegrationId, string Kind, string Raw, string Value, int Applied);

    public sealed record MapRequest
    {
        public string? IntegrationId { get; init; }
        public string? Kind { get; init; }
        public string? Raw { get; init; }
        public string? Value { get; init; }
    }

    private sealed record WaitingEntry
    {
        public long Id { get; init; }
        public Guid LeadId { get; init; }
        public string RawValue { get; init; } = "";
        public string? Details { get; init; }
        public DateTime OccurredAt { get; init; }
    }

    public static void MapMappingEndpoints(this WebApplication app)
    {
        app.MapPost("/v1/dispositions/unmapped/map", MapAsync).RequireRole(AdminRole.Operator)
            .Accepts<MapRequest>("application/json")
            .Produces<MapOutcome>().ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Maps a raw status or activity type of one integration to a common value: saved into the integration's "
                + "mapping, and the entries waiting with that raw value take it (X-Admin-Key, operator). "
                + "Body: { integrationId, kind: status|activity, raw, value }. Answers { ..., applied }.");
    }

    private static async Task<IResult> MapAsync(
        HttpRequest request, IntegrationStore store, NpgsqlDataSource dataSource, IPublishEndpoint publish, CancellationToken ct)
    {
        MapRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<MapRequest>(request.Body, PlatformJson.Options, ct);
        }
        catch (JsonException)
        {
            return Problems.Field("body", "The body is not a JSON object");
        }
        var errors = new Dictionary<string, string[]>();
        var map = body?.Kind switch { "status" => "statusMap", "activity" => "activityMap", _ => null };
        if (map is null)
        {
            errors["kind"] = ["status or activity"];
        }
        if (string.IsNullOrWhiteSpace(body?.Raw) || body.Raw.Length > 200)
        {
            errors["raw"] = ["The raw value is required (at most 200 characters)"];
        }
        var value = body?.Kind == "activity" ? Vocabulary.Activity(body.Value ?? "") : Vocabulary.Status(body?.Value ?? "");
        if (value is null)
        {
            var allowed = body?.Kind == "activity" ? Vocabulary.Activities : Vocabulary.Statuses;
            errors["value"] = [$"One of {string.Join(", ", allowed)}"];
        }
        var integration = string.IsNullOrWhiteSpace(body?.IntegrationId) ? null : await store.FindAsync(body.IntegrationId, ct);
        if (integration is null)
        {
            errors["integrationId"] = ["No such integration"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors, "The mapping is not valid.");
        }
        if (!await store.SetMappingAsync(integration!.Id, map!, body!.Raw!, value!, ct))
        {
            return Problems.Field("integrationId", "No such integration");
        }
        var applied = await ApplyWaitingAsync(dataSource, publish, integration, body.Kind!, body.Raw!, value!, ct);
        return Results.Ok(new MapOutcome(integration.Id, body.Kind!, body.Raw!, value!, applied));
    }

    /// <summary>The integration's unmapped entries whose raw value the new mapping covers take its value, once.</summary>
    private static async Task<int> ApplyWaitingAsync(
        NpgsqlDataSource dataSource, IPublishEndpoint publish, Integration integration, string kind, string raw, string value, CancellationToken ct)
    {
        const string waitingSql = """
            select id as Id, lead_id as LeadId, raw_value as RawValue, details::text as Details, occurred_at as OccurredAt
              from disposition.timeline
             where integration_id = @integrationId and kind = @kind and not mapped
             for update
            """;
        const string mapSql = "update disposition.timeline set value = @value, mapped = true where id = any(@ids) and not mapped";
        const string statusSql = """
            update disposition.lead set status = @value, raw_status = @raw, status_at = @occurredAt
             where lead_id = @leadId and (status_at is null or status_at <= @occurredAt)
            """;
        // The provider-wide list keeps a raw value while any integration of that provider still has it unmapped.
        const string forgetSql = """
            delete from disposition.unmapped u
             where u.provider = @provider and u.kind = @kind and u.raw_value = any(@raws)
               and not exists (select 1 from disposition.timeline t
                                where t.provider = u.provider and t.kind = u.kind and t.raw_value = u.raw_value and not t.mapped)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var key = Vocabulary.Key(raw);
        var waiting = (await connection.QueryAsync<WaitingEntry>(new CommandDefinition(waitingSql,
                new { integrationId = integration.Id, kind }, transaction, cancellationToken: ct)))
            .Where(e => Vocabulary.Key(e.RawValue) == key).ToList();
        await connection.ExecuteAsync(new CommandDefinition(mapSql, new { value, ids = waiting.Select(e => e.Id).ToArray() }, transaction, cancellationToken: ct));
        foreach (var entry in waiting)
        {
            var occurredAt = new DateTimeOffset(DateTime.SpecifyKind(entry.OccurredAt, DateTimeKind.Utc));
            if (kind == "status")
            {
                await connection.ExecuteAsync(new CommandDefinition(statusSql,
                    new { leadId = entry.LeadId, value, raw = entry.RawValue, occurredAt }, transaction, cancellationToken: ct));
                await publish.PublishBoundedAsync(new LeadStatusChanged
                {
                    LeadId = entry.LeadId, IntegrationId = integration.Id, Provider = integration.Crm,
                    RawStatus = entry.RawValue, Status = value, OccurredAt = occurredAt,
                }, ct);
            }
            else
            {
                await publish.PublishBoundedAsync(new LeadActivityRecorded
                {
                    LeadId = entry.LeadId, IntegrationId = integration.Id, Provider = integration.Crm,
                    RawType = entry.RawValue, Activity = value, Details = DetailsText(entry.Details), OccurredAt = occurredAt,
                }, ct);
            }
        }
        await connection.ExecuteAsync(new CommandDefinition(forgetSql,
            new { provider = integration.Crm, kind, raws = waiting.Select(e => e.RawValue).Append(raw).Distinct().ToArray() }, transaction, cancellationToken: ct));
        // Published before commit, as DispositionApplier does: a failed commit is retried and consumers are idempotent.
        await transaction.CommitAsync(ct);
        return waiting.Count;
    }

    private static string? DetailsText(string? details) =>
        details is null ? null : JsonDocument.Parse(details).RootElement.TryGetProperty("details", out var d) ? d.GetString() : null;
}
