using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary><c>POST /v1/erasures</c> (admin): erase a person everywhere the platform keeps them.</summary>
public static class ErasureEndpoints
{
    public static WebApplication MapErasures(this WebApplication app)
    {
        app.MapPost("/v1/erasures", EraseAsync)
            .AddEndpointFilter(IntegrationAdminEndpoints.RequireAdminKey)
            .WithTags("Privacy")
            .DocumentsBody(typeof(ErasureRequest), "application/json")
            .Produces<ErasureOutcome>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status504GatewayTimeout)
            .WithSummary("Erase every copy of a person's leads ({\"email\"} or {\"leadId\"}); lists the CRM records that still hold them");
        return app;
    }

    private static async Task<IResult> EraseAsync(HttpRequest request, Erasures erasures, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ErasureRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var (subject, errors) = body!.Validate();
        if (subject is null)
        {
            return Problems.Validation(errors, "The erasure request is not valid.");
        }
        var outcome = await erasures.EraseAsync(subject, RequestedBy(request.HttpContext), ct);
        var answer = new Dictionary<string, object?>
        {
            ["erasureId"] = outcome.ErasureId,
            ["leads"] = outcome.Leads,
            ["complete"] = outcome.Complete,
            ["stores"] = outcome.Stores,
            ["unanswered"] = outcome.Unanswered,
            ["crmRecords"] = outcome.CrmRecords,
        };
        // Ingestion kept its copy (how a repeat finds the leads again): the operator repeats the request once the
        // store that did not answer is back; every step is idempotent.
        return outcome.Complete
            ? Results.Ok(answer)
            : Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout,
                title: $"Stores did not answer in time: {string.Join(", ", outcome.Unanswered)}. Repeat the erasure once they are back.",
                extensions: answer);
    }

    /// <summary>Who asked, for the erasure log: the authenticated admin principal's name where there is one.</summary>
    private static string RequestedBy(HttpContext http) => http.User.Identity?.Name is { Length: > 0 } name ? name : "admin";
}
