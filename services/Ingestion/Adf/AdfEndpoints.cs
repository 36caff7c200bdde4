using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Adf;

/// <summary>
/// <c>POST /v1/leads/adf</c>: an ADF 1.0 document from a 3rd-party vendor. Each prospect becomes a canonical
/// lead of the vendor's source, routed to an account by the program rules. The document is all or nothing:
/// if any prospect is refused, none is stored.
/// </summary>
public static class AdfEndpoints
{
    public sealed record AcceptedAdf(IReadOnlyList<LeadEndpoints.AcceptedLead> Leads);

    private static readonly string[] XmlTypes = ["application/xml", "text/xml", "text/plain", "application/adf+xml"];

    public static void MapAdfIntake(this RouteGroupBuilder leads) =>
        leads.MapPost("/adf", SubmitAsync)
            .DocumentsBody(null, "application/xml", "text/xml", "text/plain")
            .Produces<AcceptedAdf>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Submit an ADF 1.0 XML document (one or more prospects) from a 3rd-party vendor");

    private static async Task<IResult> SubmitAsync(HttpRequest request, LeadSubmission submission, ProgramRules rules, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !XmlTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return Problems.Field("Content-Type", "Content-Type must be application/xml, text/xml or text/plain", StatusCodes.Status415UnsupportedMediaType);
        }
        var (body, tooLarge) = await JsonBody.ReadLimitedAsync(request, ct);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        var caller = ApiKeyFilter.Caller(request.HttpContext);
        IReadOnlyList<Lead> parsed;
        try
        {
            parsed = AdfParser.Parse(body, caller?.Source ?? "adf");
        }
        catch (AdfParser.AdfException ex)
        {
            return Problems.Field(ex.Field, ex.Message);
        }

        var routed = new List<Lead>();
        for (var i = 0; i < parsed.Count; i++)
        {
            var rule = await rules.MatchAsync(parsed[i], ct);
            if (rule is null)
            {
                return Problems.Field($"prospect[{i}]", "No program rule accepts this lead (vendor, make, postal code, product)");
            }
            var lead = rule.Apply(parsed[i]);
            if (await submission.CheckAsync(lead, caller, ct, $"prospect[{i}].") is { } rejection)
            {
                return rejection.ToResult();
            }
            routed.Add(lead);
        }

        var idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
        var accepted = new List<LeadEndpoints.AcceptedLead>();
        for (var i = 0; i < routed.Count; i++)
        {
            var key = idempotencyKey is null ? null : $"{idempotencyKey}#{i}";
            var (acceptance, rejected) = await submission.AcceptCheckedAsync(routed[i], key, caller, ct);
            if (rejected is not null)
            {
                return rejected.ToResult();
            }
            accepted.Add(new LeadEndpoints.AcceptedLead(acceptance!.LeadId, acceptance.Duplicate, acceptance.Deliveries));
        }
        return Results.Json(new AcceptedAdf(accepted), statusCode: StatusCodes.Status202Accepted);
    }
}
