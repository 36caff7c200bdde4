using System.Globalization;
using System.Text;
using Dapper;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.ServiceDefaults.Security;
using Npgsql;

namespace LeadPlatform.Ingestion.OperatorConsole;

/// <summary>
/// <c>GET /v1/leads/search</c>: leads newest first, filtered by account, source, source lead id, prospect email
/// (case-insensitive), status, delivery state and acceptance time, paged by keyset: each page ends with <c>next</c>, an opaque cursor to pass as
/// <c>after</c>; no offset, so a page costs the same however deep it is (indexes in 0090_lead_search_indexes.sql).
/// Admin key, viewer and above; a viewer of one account finds only that account's leads.
/// </summary>
public static class LeadSearchEndpoint
{
    public const int MaxLimit = 200;
    public static readonly IReadOnlyList<string> Statuses = ["Pending", "Viewed", "Assigned", "Working", "Sold", "Lost", "Abandoned"];
    public static readonly IReadOnlyList<string> DeliveryStates = ["planned", "delivered", "failed"];

    public sealed record Found
    {
        public Guid LeadId { get; init; }
        public string AccountId { get; init; } = "";
        public string Source { get; init; } = "";
        public string SourceLeadId { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTime AcceptedAt { get; init; }
        public string? FirstName { get; init; }
        public string? LastName { get; init; }
        public string? Email { get; init; }
    }

    public static void MapLeadSearch(this WebApplication app) =>
        app.MapGet("/v1/leads/search", SearchAsync)
            .RequireRole(AdminRole.Viewer, accountScoped: true)
            .WithTags("Leads")
            .Produces<IngestionResponses.LeadSearchPage>().ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Search leads by accountId, source, sourceLeadId, email, status, deliveryState (planned, delivered, failed), from, to (ISO 8601); keyset paging with after and limit (X-Admin-Key, viewer)");

    private static async Task<IResult> SearchAsync([AsParameters] LeadSearchQuery query, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var from = ReadTime(query.From, "from", errors);
        var to = ReadTime(query.To, "to", errors);
        var limit = 50;
        if (Blank(query.Limit) is { } rawLimit && (!int.TryParse(rawLimit, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }
        var after = Blank(query.After) is { } rawAfter ? Cursor.Read(rawAfter) : null;
        if (Blank(query.After) is not null && after is null)
        {
            errors["after"] = ["must be the next cursor of an earlier page"];
        }
        var status = Blank(query.Status) is { } rawStatus ? Statuses.FirstOrDefault(v => string.Equals(v, rawStatus, StringComparison.OrdinalIgnoreCase)) ?? "" : null;
        if (status == "")
        {
            errors["status"] = [$"must be one of {string.Join(", ", Statuses)}"];
        }
        var deliveryState = Blank(query.DeliveryState) is { } rawState ? DeliveryStates.FirstOrDefault(v => string.Equals(v, rawState, StringComparison.OrdinalIgnoreCase)) ?? "" : null;
        if (deliveryState == "")
        {
            errors["deliveryState"] = [$"must be one of {string.Join(", ", DeliveryStates)}"];
        }
        var accountId = Blank(query.AccountId);
        var scope = AdminKeyFilter.Authenticate(http)?.AccountId;
        if (scope is not null && accountId is not null && accountId != scope)
        {
            errors["accountId"] = ["this key reads only its own account's leads"];
        }
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var where = new StringBuilder("true");
        var parameters = new DynamicParameters();
        void Filter(string? value, string name, string condition)
        {
            if (value is not null)
            {
                where.Append(" and ").Append(condition);
                parameters.Add(name, value);
            }
        }
        Filter(scope ?? accountId, "accountId", "account_id = @accountId");
        Filter(Blank(query.Source), "source", "source = @source");
        Filter(Blank(query.SourceLeadId), "sourceLeadId", "source_lead_id = @sourceLeadId");
        Filter(Blank(query.Email)?.ToLowerInvariant(), "email", "lower(payload -> 'prospect' ->> 'email') = @email");
        Filter(status, "status", "status = @status");
        // Any of the lead's deliveries in that state (a lead goes to several integrations).
        Filter(deliveryState, "deliveryState",
            "exists (select 1 from ingestion.lead_delivery d where d.lead_id = lead.id and d.state = @deliveryState)");
        if (from is not null)
        {
            where.Append(" and accepted_at >= @from");
            parameters.Add("from", from.Value.UtcDateTime);
        }
        if (to is not null)
        {
            where.Append(" and accepted_at < @to");
            parameters.Add("to", to.Value.UtcDateTime);
        }
        if (after is not null)
        {
            where.Append(" and (accepted_at, id) < (@afterAt, @afterId)");
            parameters.Add("afterAt", after.Value.AcceptedAt);
            parameters.Add("afterId", after.Value.LeadId);
        }
        parameters.Add("take", limit + 1);
        var sql = $"""
            select id as LeadId, account_id as AccountId, source as Source, source_lead_id as SourceLeadId, status as Status,
                   accepted_at as AcceptedAt, payload -> 'prospect' ->> 'firstName' as FirstName,
                   payload -> 'prospect' ->> 'lastName' as LastName, payload -> 'prospect' ->> 'email' as Email
              from ingestion.lead where {where} order by accepted_at desc, id desc limit @take
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Found>(new CommandDefinition(sql, parameters, cancellationToken: ct))).ToList();
        var page = rows.Take(limit).ToList();
        var next = rows.Count > limit ? Cursor.Write(page[^1].AcceptedAt, page[^1].LeadId) : null;
        return Results.Ok(new
        {
            leads = page.Select(r => new
            {
                r.LeadId, r.AccountId, r.Source, r.SourceLeadId, r.Status,
                acceptedAt = new DateTimeOffset(DateTime.SpecifyKind(r.AcceptedAt, DateTimeKind.Utc)),
                r.FirstName, r.LastName, r.Email,
            }),
            next,
        });
    }

    private static DateTimeOffset? ReadTime(string? raw, string name, Dictionary<string, string[]> errors)
    {
        if (Blank(raw) is not { } value)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }
        errors[name] = ["must be an ISO 8601 date or date and time, e.g. 2026-11-23T09:00:00Z"];
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The last row of a page, as <c>ticks.guid</c> in base64url: opaque to callers.</summary>
    internal static class Cursor
    {
        public static string Write(DateTime acceptedAt, Guid leadId) =>
            Convert.ToBase64String(Encoding.ASCII.GetBytes($"{acceptedAt.Ticks.ToString(CultureInfo.InvariantCulture)}.{leadId:N}"))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (DateTime AcceptedAt, Guid LeadId)? Read(string cursor)
        {
            try
            {
                var base64 = cursor.Replace('-', '+').Replace('_', '/');
                var text = Encoding.ASCII.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
                var parts = text.Split('.');
                return parts.Length == 2
                       && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks
                       && Guid.TryParseExact(parts[1], "N", out var id)
                    ? (new DateTime(ticks, DateTimeKind.Utc), id)
                    : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
    }
}
