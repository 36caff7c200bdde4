using System.Text.Json;
using LeadPlatform.Integrations;
using LeadPlatform.Integrations.DealerProviders;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition.Dealer;

/// <summary>
/// <c>POST /v1/dispositions/{integrationId}/dealer</c>: a dealer CRM pushes what happened to a lead it received by ADF,
/// signed like every push, mapped with its provider's vocabulary (docs/dealer-crms.md).
/// </summary>
public static class DealerPushEndpoint
{
    public static void MapDealerPush(this WebApplication app)
    {
        app.MapPost("/v1/dispositions/{integrationId}/dealer", PushAsync)
            .WithSummary("A dealer CRM pushes statuses and activities of a lead it received by ADF, signed with the integration's secret")
            .DocumentsBody(typeof(DealerPushReader.Payload), "application/json")
            .Produces<DispositionResponses.PushOutcome>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesValidationProblem();
    }

    private static async Task<IResult> PushAsync(
        string integrationId, HttpRequest request, PushAuthentication authentication, DealerProviderCatalog providers, LeadResolver resolver,
        DispositionApplier applier, IPublishEndpoint publish, TimeProvider clock, CancellationToken ct)
    {
        var (integration, body, refused) = await PushEndpoints.VerifySignedAsync(integrationId, request, authentication, clock, ct);
        if (refused is not null)
        {
            return refused;
        }
        if (await RefusalAsync(integration, providers, ct) is { } why)
        {
            return Problems.Field("integrationId", why, StatusCodes.Status403Forbidden);
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
        var (events, errors) = DealerPushReader.Read(json);
        if (errors is not null)
        {
            return Problems.Validation(errors, "The disposition is not valid.");
        }
        // Resolve every event before applying any, so a batch naming an unknown lead changes nothing.
        var resolved = new List<(DispositionEvent Event, Guid LeadId)>();
        foreach (var dealer in events)
        {
            if (await ResolveAsync(integration, dealer, resolver, ct) is not { } leadId)
            {
                var field = dealer.LeadId is not null ? "leadId" : dealer.CrmRecordId is not null ? "crmRecordId" : "email";
                return Problems.Field(field, $"No lead of integration {integration.Id} matches", StatusCodes.Status422UnprocessableEntity);
            }
            // The lead is part of the event: two leads' identical statuses at the same time are two events.
            resolved.Add((dealer.Event with { LeadId = leadId }, leadId));
        }
        return await PushEndpoints.ApplyAllAsync(integration, resolved, applier, publish, ct);
    }

    /// <summary>Why this integration may not push here; null when it may.</summary>
    private static async Task<string?> RefusalAsync(Integration integration, DealerProviderCatalog providers, CancellationToken ct)
    {
        if (!integration.Crm.Equals("adf", StringComparison.OrdinalIgnoreCase) || !integration.Directions.Contains(IntegrationDirections.InboundPush))
        {
            return $"Integration {integration.Id} is not a dealer integration taking pushed dispositions";
        }
        return DealerProviderCatalog.ProviderIdOf(integration) is { } id && await providers.FindAsync(id, ct) is { PushesDispositions: true }
            ? null
            : $"The dealer provider of integration {integration.Id} does not push dispositions";
    }

    /// <summary>Our lead id (or the ADF prospect id, which is ours), else the CRM's record id, else the email.</summary>
    private static async Task<Guid?> ResolveAsync(Integration integration, DealerPushReader.DealerEvent dealer, LeadResolver resolver, CancellationToken ct)
    {
        var at = dealer.Event.OccurredAt;
        if (dealer.LeadId is { } leadId && await resolver.ResolveAsync(integration, new DispositionEvent { LeadId = leadId, OccurredAt = at }, ct) is { } byLead)
        {
            return byLead;
        }
        if (dealer.CrmRecordId is { } record && await resolver.ResolveAsync(integration, new DispositionEvent { RecordId = record, OccurredAt = at }, ct) is { } byRecord)
        {
            return byRecord;
        }
        return dealer.Email is { } email
            ? await resolver.ResolveAsync(integration, new DispositionEvent { ContactEmail = email, OccurredAt = at }, ct)
            : null;
    }
}
