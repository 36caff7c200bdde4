using System.Text.Json;
using LeadPlatform.Disposition.Adapters;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition.HubSpot;

/// <summary>
/// <c>POST /v1/dispositions/{integrationId}/hubspot</c>: the target URL of a HubSpot app's webhook subscriptions,
/// verified with HubSpot's v3 signature and the app's client secret (<c>credentials.clientSecret</c>).
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
            .ProducesProblems(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem();

    private static async Task<IResult> ReceiveAsync(
        string integrationId, HttpRequest request, IntegrationStore integrations, DispositionIntake intake,
        IPublishEndpoint publish, TimeProvider clock, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, PushEndpoints.MaxBytes, ct);
        if (body is null)
        {
            return Problems.Field("body", $"The body is larger than {PushEndpoints.MaxBytes} bytes", StatusCodes.Status413PayloadTooLarge);
        }
        // An integration that does not exist (or is not HubSpot) is answered like a bad signature, so the endpoint
        // does not tell a caller which integration ids exist.
        var integration = await integrations.FindAsync(integrationId, ct);
        var known = integration is { Enabled: true } && integration.Crm.Equals("hubspot", StringComparison.OrdinalIgnoreCase);
        var uri = (known ? integration!.SettingsAs<WebhookSettings>().WebhookUrl : null) ?? RequestUri(request);
        // For an unknown integration a random secret is checked, so every answer matches the known-integration one.
        var secret = known ? integration!.Credential("clientSecret") : Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var check = HubSpotSignature.Verify(secret, request.Method, uri, body,
            request.Headers[HubSpotSignature.TimestampHeader].FirstOrDefault(), request.Headers[HubSpotSignature.SignatureHeader].FirstOrDefault(),
            clock.GetUtcNow());
        if (!known || check != SignatureCheck.Valid)
        {
            return Unauthorized(check == SignatureCheck.Valid ? SignatureCheck.Mismatch : check);
        }
        if (!integration!.Directions.Contains(IntegrationDirections.InboundPush))
        {
            return Problems.Field("integrationId", $"Integration {integrationId} does not take pushed dispositions", StatusCodes.Status403Forbidden);
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
        var (changes, errors) = HubSpotWebhookAdapter.ReadChanges(json);
        if (errors is not null)
        {
            return Problems.Validation(errors, "The HubSpot webhook batch is not valid.");
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
