using System.Text.Json;
using LeadPlatform.Disposition.Adapters;
using LeadPlatform.Disposition.CrmPolling;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition.HubSpot;

/// <summary>
/// <c>POST /v1/dispositions/{integrationId}/hubspot</c>: the target URL of a HubSpot app's webhook subscriptions,
/// verified with HubSpot's v3 signature and the app's client secret (<c>credentials.clientSecret</c>). Deal events
/// (where the integration shares opportunities) are read back from HubSpot with <c>credentials.accessToken</c>.
/// </summary>
public static class HubSpotWebhookEndpoint
{
    public const string Route = "/v1/dispositions/{integrationId}/hubspot";

    /// <summary>The public URL registered in HubSpot, when a proxy in front changes scheme, host or path.</summary>
    private sealed class WebhookSettings
    {
        public string? WebhookUrl { get; init; }
    }

    public static void MapHubSpotWebhook(this WebApplication app) =>
        app.MapPost(Route, ReceiveAsync)
            .WithSummary("HubSpot webhook batches (contact property and association changes), signed X-HubSpot-Signature-v3")
            .DocumentsBody(typeof(IReadOnlyList<DispositionResponses.HubSpotEvent>), "application/json")
            .Produces<DispositionResponses.HubSpotOutcome>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblems(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem();

    private static async Task<IResult> ReceiveAsync(
        string integrationId, HttpRequest request, PushAuthentication authentication, DispositionIntake intake,
        IPublishEndpoint publish, TimeProvider clock, HubSpotChangeSource hubSpot, CancellationToken ct)
    {
        // Unknown or not HubSpot: answered like a bad signature (PushAuthentication), so ids are not revealed.
        var auth = await authentication.AuthenticateAsync(request, integrationId, "hubspot", "clientSecret",
            (known, secret, body) => HubSpotSignature.Verify(secret, request.Method, known?.SettingsAs<WebhookSettings>().WebhookUrl ?? RequestUri(request), body,
                request.Headers[HubSpotSignature.TimestampHeader].FirstOrDefault(), request.Headers[HubSpotSignature.SignatureHeader].FirstOrDefault(),
                clock.GetUtcNow()),
            Unauthorized, ct);
        if (auth.Integration is not { } integration)
        {
            return auth.Refusal!;
        }
        if (!integration.Directions.Contains(IntegrationDirections.InboundPush))
        {
            return Problems.Field("integrationId", $"Integration {integrationId} does not take pushed dispositions", StatusCodes.Status403Forbidden);
        }
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(auth.Body).RootElement;
        }
        catch (JsonException ex)
        {
            return Problems.Field("body", $"Malformed JSON: {ex.Message}");
        }
        var (changes, errors) = HubSpotWebhookAdapter.ReadChanges(json);
        if (errors is not null)
        {
            return Problems.Validation(errors, "The HubSpot webhook batch is not valid.");
        }
        if (DispositionApplier.SharesOpportunities(integration) && HubSpotDealWebhook.DealIds(json) is { Count: > 0 } dealIds)
        {
            // A failure reading the deals answers 5xx: HubSpot retries the batch, and what was applied stays applied once.
            changes = [.. changes, .. await hubSpot.DealChangesAsync(integration, dealIds, ct)];
        }
        var outcome = await intake.ApplyAsync(integration, changes, "push", publish, ct);
        return Results.Ok(new { applied = outcome.Applied, duplicates = outcome.Duplicates, skipped = outcome.Skipped, leads = outcome.Leads });
    }

    private static string RequestUri(HttpRequest request) =>
        $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";

    private static IResult Unauthorized(SignatureCheck check) => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "The request is not signed with this integration's HubSpot client secret",
        detail: check switch
        {
            SignatureCheck.Missing => $"Send {HubSpotSignature.TimestampHeader} and {HubSpotSignature.SignatureHeader}",
            SignatureCheck.Malformed => $"{HubSpotSignature.TimestampHeader} must be Unix milliseconds",
            SignatureCheck.Stale => $"{HubSpotSignature.TimestampHeader} is more than {HubSpotSignature.MaxAge.TotalMinutes:0} minutes old",
            _ => "The signature does not match",
        },
        extensions: new Dictionary<string, object?>
        {
            ["field"] = check is SignatureCheck.Stale or SignatureCheck.Malformed ? HubSpotSignature.TimestampHeader : HubSpotSignature.SignatureHeader,
        });
}
