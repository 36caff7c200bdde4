using System.ComponentModel;
using Dapper;
using LeadPlatform.ServiceDefaults;
using Npgsql;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// <c>GET /v1/leads?source=…&amp;sourceLeadId=…</c>: the lead id a source's own lead got, for a source that did not
/// keep it (a broker publisher, a timed-out request). A source key finds only its own source's leads on its own
/// accounts; to anyone else such a lead does not exist (404). The admin key finds any.
/// </summary>
public static class LeadLookupEndpoint
{
    public sealed record FoundLead(Guid LeadId, string Source, string SourceLeadId, string AccountId, string Status, DateTimeOffset AcceptedAt);

    private sealed record Row(Guid Id, string Source, string SourceLeadId, string AccountId, string Status, DateTime AcceptedAt);

    public static void MapLeadLookup(this RouteGroupBuilder leads) =>
        leads.MapGet("", LookupAsync)
            .WithSummary("Find a lead by its source and the source's own lead id (within the caller's source and accounts)")
            .Produces<FoundLead>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> LookupAsync(
        [Description("The lead's source"), QueryValue("string", Required = true)] string? source,
        [Description("The source's own lead id"), QueryValue("string", Required = true)] string? sourceLeadId, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(source))
        {
            errors["source"] = ["is required"];
        }
        if (string.IsNullOrWhiteSpace(sourceLeadId))
        {
            errors["sourceLeadId"] = ["is required"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var caller = ApiKeyFilter.Caller(http);
        if (caller is not null && !string.Equals(caller.Source, source!.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return NotFound();
        }
        const string sql = """
            select id, source, source_lead_id as SourceLeadId, account_id as AccountId, status, accepted_at as AcceptedAt
              from ingestion.lead
             where lower(source) = lower(@source) and source_lead_id = @sourceLeadId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, new { source = source!.Trim(), sourceLeadId }, cancellationToken: ct));
        var row = rows.FirstOrDefault(r => caller is null || caller.MaySubmitTo(r.AccountId));
        return row is null
            ? NotFound()
            : Results.Ok(new FoundLead(row.Id, row.Source, row.SourceLeadId, row.AccountId, row.Status, new DateTimeOffset(row.AcceptedAt, TimeSpan.Zero)));
    }

    // The same answer whether the lead is missing or not the caller's: its existence is not revealed.
    private static IResult NotFound() => Problems.Status(StatusCodes.Status404NotFound, "No such lead for this source");
}
