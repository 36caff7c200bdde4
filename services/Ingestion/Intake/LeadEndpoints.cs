using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;
using Npgsql;
using System.Text.Json;

namespace LeadPlatform.Ingestion.Intake;

public static class LeadEndpoints
{
    public sealed record AcceptedLead(Guid LeadId, bool Duplicate, IReadOnlyList<PlannedDelivery> Deliveries);

    public static void MapLeadEndpoints(this WebApplication app)
    {
        var leads = app.MapGroup("/v1/leads").AddEndpointFilter(ApiKeyFilter.RequireApiKey);
        leads.MapPost("", SubmitAsync)
            .DocumentsBody(typeof(Lead), "application/json")
            .Produces<AcceptedLead>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Submit a lead (X-Api-Key of its source; optional Idempotency-Key)");
        leads.MapGet("/{leadId:guid}", GetAsync).WithSummary("A lead, its deliveries, its current status and the opportunities its CRMs reported")
            .Produces<IngestionResponses.LeadView>().ProducesProblems(StatusCodes.Status404NotFound);
        leads.MapLeadLookup();
        leads.MapAdfIntake();
        leads.MapLeadPatch();
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, LeadSubmission submission, CancellationToken ct)
    {
        var (lead, problem) = await JsonBody.ReadAsync<Lead>(request, ct);
        if (problem is not null)
        {
            IngestionMetrics.Rejected(ApiKeyFilter.Caller(request.HttpContext), IngestionMetrics.MalformedBody);
            return problem;
        }
        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        var (accepted, rejected) = await submission.SubmitAsync(lead!, idempotencyKey, ApiKeyFilter.Caller(request.HttpContext), ct);
        return rejected is not null
            ? rejected.ToResult()
            : Results.Accepted($"/v1/leads/{accepted!.LeadId}", new AcceptedLead(accepted.LeadId, accepted.Duplicate, accepted.Deliveries));
    }

    private sealed record LeadRow(Guid Id, string Payload, string Status, DateTime AcceptedAt, string AccountId, string Source);

    private sealed record DeliveryRow
    {
        public string IntegrationId { get; init; } = "";
        public string Crm { get; init; } = "";
        public string State { get; init; } = "";
        public int Attempts { get; init; }
        public string? RecordIds { get; init; }
        public string? LastError { get; init; }
        public DateTime UpdatedAt { get; init; }
    }

    private static async Task<IResult> GetAsync(Guid leadId, HttpContext http, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        const string leadSql = """
            select id, payload::text as Payload, status, accepted_at as AcceptedAt, account_id as AccountId,
                   source as Source from ingestion.lead where id = @leadId
            """;
        const string deliveriesSql = """
            select integration_id as IntegrationId, crm, state, attempts, record_ids::text as RecordIds,
                   last_error as LastError, updated_at as UpdatedAt
              from ingestion.lead_delivery where lead_id = @leadId order by integration_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var lead = await connection.QuerySingleOrDefaultAsync<LeadRow>(new CommandDefinition(leadSql, new { leadId }, cancellationToken: ct));
        if (lead is null)
        {
            return Problems.Status(StatusCodes.Status404NotFound, $"Lead {leadId} not found");
        }
        if (!ApiKeyFilter.MayRead(http, lead.Source, lead.AccountId))
        {
            // A source sees only its own leads (or its accounts' when granted), an account's viewer only that account's;
            // to anyone else the lead does not exist.
            return Problems.Status(StatusCodes.Status404NotFound, $"Lead {leadId} not found");
        }
        var deliveries = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(deliveriesSql, new { leadId }, cancellationToken: ct));
        var opportunities = await LeadOpportunities.ListAsync(connection, leadId, ct);
        return Results.Ok(new
        {
            leadId = lead.Id,
            status = lead.Status,
            acceptedAt = new DateTimeOffset(lead.AcceptedAt, TimeSpan.Zero),
            lead = JsonDocument.Parse(lead.Payload).RootElement,
            deliveries = deliveries.Select(d => new
            {
                d.IntegrationId,
                d.Crm,
                d.State,
                d.Attempts,
                recordIds = d.RecordIds is null ? (JsonElement?)null : JsonDocument.Parse(d.RecordIds).RootElement,
                d.LastError,
                updatedAt = new DateTimeOffset(d.UpdatedAt, TimeSpan.Zero),
            }),
            opportunities,
        });
    }
}
