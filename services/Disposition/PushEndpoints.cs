using System.Text.Json;
using LeadPlatform.Disposition.Adapters;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition;

/// <summary><c>POST /v1/dispositions/{integrationId}</c>: a CRM's signed webhook.</summary>
public static class PushEndpoints
{
    public const int MaxBytes = PushAuthentication.MaxBytes;

    public static void MapPushEndpoints(this WebApplication app)
    {
        app.MapPost("/v1/dispositions/{integrationId}", PushAsync)
            .WithSummary("A CRM pushes statuses and activities, signed with the integration's secret")
            .DocumentsBody(typeof(DispositionResponses.PushedDisposition), "application/json")
            .Produces<DispositionResponses.PushOutcome>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblems(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status422UnprocessableEntity)
            .ProducesValidationProblem();
    }

    private static async Task<IResult> PushAsync(
        string integrationId, HttpRequest request, PushAuthentication authentication, LeadResolver resolver,
        DispositionApplier applier, IPublishEndpoint publish, TimeProvider clock, CancellationToken ct)
    {
        var (integration, body, refused) = await VerifySignedAsync(integrationId, request, authentication, clock, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (!integration.Directions.Contains(IntegrationDirections.InboundPush) || !CrmCapabilities.Supports(integration.Crm, IntegrationDirections.InboundPush))
        {
            return Problems.Field("integrationId", $"Integration {integrationId} does not take pushed dispositions", StatusCodes.Status403Forbidden);
        }
        if (integration.Crm.Equals("adf", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Field("integrationId", $"A dealer integration pushes to /v1/dispositions/{integrationId}/dealer", StatusCodes.Status403Forbidden);
        }
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException ex)
        {
            return Problems.Field("body", $"Malformed JSON: {ex.Message}");
        }
        var read = DispositionAdapters.For(integration.Crm, json).Read(json);
        if (read.Errors.Count > 0)
        {
            return Problems.Validation(read.Errors, "The disposition is not valid.");
        }
        if (read.Events.Any(e => e.Opportunity is not null) && !DispositionApplier.SharesOpportunities(integration))
        {
            return Problems.Field("opportunity", $"Integration {integrationId} does not share opportunities (settings.shareOpportunities)");
        }
        // Resolve every event before applying any, so a batch naming an unknown lead changes nothing.
        var resolved = new List<(DispositionEvent Event, Guid LeadId)>();
        foreach (var e in read.Events)
        {
            if (await resolver.ResolveAsync(integration, e, ct) is not { } leadId)
            {
                return e switch
                {
                    { LeadId: not null } => Problems.Field("leadId", $"No lead {e.LeadId}", StatusCodes.Status422UnprocessableEntity),
                    { RecordId: not null } => Problems.Field("recordId", $"No lead delivered to {integration.Id} as record {e.RecordId}", StatusCodes.Status422UnprocessableEntity),
                    _ => Problems.Field("contactEmail", $"No lead delivered to {integration.Id} with that contact email", StatusCodes.Status422UnprocessableEntity),
                };
            }
            resolved.Add((e, leadId));
        }
        return await ApplyAllAsync(integration, resolved, applier, publish, ct);
    }

    /// <summary>Applies a resolved batch of pushed events and answers <c>{ applied, duplicates, leads }</c>.</summary>
    internal static async Task<IResult> ApplyAllAsync(
        Integration integration, IReadOnlyList<(DispositionEvent Event, Guid LeadId)> resolved, DispositionApplier applier, IPublishEndpoint publish, CancellationToken ct)
    {
        int applied = 0, duplicates = 0;
        foreach (var (e, leadId) in resolved)
        {
            var outcome = await applier.ApplyAsync(integration, leadId, e, "push", publish, ct);
            applied += outcome.Applied;
            duplicates += outcome.Duplicates;
        }
        return Results.Ok(new { applied, duplicates, leads = resolved.Select(r => r.LeadId).Distinct() });
    }

    /// <summary>
    /// The integration a signed push is from, and its body; or the refusal (413, 429, 401). Every push route (the
    /// generic one, the dealer one) checks the same way.
    /// </summary>
    internal static async Task<(Integration Integration, byte[] Body, IResult? Refused)> VerifySignedAsync(
        string integrationId, HttpRequest request, PushAuthentication authentication, TimeProvider clock, CancellationToken ct)
    {
        var auth = await authentication.AuthenticateAsync(request, integrationId, crm: null, "webhookSecret",
            (_, secret, body) => WebhookSignature.Verify(secret,
                request.Headers[WebhookSignature.TimestampHeader].FirstOrDefault(),
                request.Headers[WebhookSignature.SignatureHeader].FirstOrDefault(), body, clock.GetUtcNow()),
            Unauthorized, ct);
        return auth.Integration is { } integration ? (integration, auth.Body, null) : (null!, [], auth.Refusal);
    }

    private static IResult Unauthorized(SignatureCheck check) => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "The request is not signed with this integration's secret",
        detail: check switch
        {
            SignatureCheck.Missing => $"Send {WebhookSignature.TimestampHeader} and {WebhookSignature.SignatureHeader}",
            SignatureCheck.Malformed => $"{WebhookSignature.TimestampHeader} must be Unix seconds",
            SignatureCheck.Stale => $"{WebhookSignature.TimestampHeader} is more than {WebhookSignature.Tolerance.TotalMinutes:0} minutes from now",
            _ => "The signature does not match",
        },
        extensions: new Dictionary<string, object?> { ["field"] = check == SignatureCheck.Stale || check == SignatureCheck.Malformed ? WebhookSignature.TimestampHeader : WebhookSignature.SignatureHeader });
}
