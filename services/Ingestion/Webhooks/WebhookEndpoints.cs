using System.ComponentModel;
using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Ingestion.Webhooks;

/// <summary>
/// <c>/v1/webhooks</c>: a source (its <c>X-Api-Key</c>) manages its own subscriptions; an operator's admin key (not
/// limited to one account) manages any source's. Another source's subscription answers 404, as an unknown one does.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>The answer of a replay: the delivery, due again now.</summary>
    public sealed record ReplayScheduled(Guid SubscriptionId, long DeliveryId);

    public sealed record NewSubscription(string? Url, IReadOnlyList<string>? EventTypes, string? Source);

    public static void MapWebhooks(this WebApplication app)
    {
        var webhooks = app.MapGroup("/v1/webhooks").AddEndpointFilter(ApiKeyFilter.RequireApiKey).WithTags("Webhooks");
        webhooks.MapPost("", CreateAsync).DocumentsBody(typeof(NewSubscription), "application/json")
            .Produces<WebhookSubscription>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Subscribe a URL to lead events of the caller's source; the answer shows the signing secret, once");
        webhooks.MapGet("", ListAsync)
            .Produces<IReadOnlyList<WebhookSubscription>>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("The caller's subscriptions (an operator: every source's, or ?source=)");
        webhooks.MapDelete("/{id:guid}", DeleteAsync)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Delete a subscription and its deliveries");
        webhooks.MapGet("/{id:guid}/deliveries", DeliveriesAsync)
            .Produces<IReadOnlyList<WebhookDelivery>>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The newest events of a subscription and how their sending went (?limit=, at most 500)");
        webhooks.MapPost("/{id:guid}/deliveries/{deliveryId:long}/replay", ReplayAsync)
            .Produces<ReplayScheduled>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Send an event again now, with the same webhook-id");
    }

    /// <summary>The source the caller acts for (null: every source, an operator), or its refusal.</summary>
    private static (string? Source, IResult? Refusal) Scope(HttpContext http)
    {
        if (ApiKeyFilter.Caller(http) is { } caller)
        {
            return (caller.Source, null);
        }
        // An admin key limited to one account reads that account's leads; subscriptions belong to sources, not accounts.
        return ApiKeyFilter.Admin(http) is { AccountId: null }
            ? (null, null)
            : (null, Problems.Field("X-Admin-Key", "Webhook subscriptions need a key that is not limited to one account", StatusCodes.Status403Forbidden));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, WebhookSubscriptions subscriptions, IOptionsMonitor<WebhookOptions> options,
        IHostEnvironment environment, CancellationToken ct)
    {
        var (source, refusal) = Scope(request.HttpContext);
        if (refusal is not null)
        {
            return refusal;
        }
        var (body, problem) = await JsonBody.ReadAsync<NewSubscription>(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var allowLocalHttp = options.CurrentValue.AllowLocalHttp || environment.IsDevelopment();
        var errors = WebhookSubscriptionRules.Validate(body!, source is null, allowLocalHttp);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }
        var created = await subscriptions.CreateAsync(source ?? body!.Source!, body!.Url!, body.EventTypes!, ct);
        return Results.Created($"/v1/webhooks/{created.Id}", created);
    }

    private static async Task<IResult> ListAsync(HttpContext http, WebhookSubscriptions subscriptions,
        [Description("An operator: only this source's subscriptions (a source key always sees its own)")] string? source, CancellationToken ct)
    {
        var (scope, refusal) = Scope(http);
        return refusal ?? Results.Ok(await subscriptions.ListAsync(scope ?? source, ct));
    }

    private static async Task<IResult> DeleteAsync(Guid id, HttpContext http, WebhookSubscriptions subscriptions, CancellationToken ct)
    {
        var (scope, refusal) = Scope(http);
        return refusal ?? (await subscriptions.DeleteAsync(id, scope, ct) ? Results.NoContent() : NotFound(id));
    }

    private static async Task<IResult> DeliveriesAsync(Guid id, HttpContext http, WebhookSubscriptions subscriptions,
        [Description("At most this many events, newest first, 1-500 (default 100)")] int? limit, CancellationToken ct)
    {
        var (scope, refusal) = Scope(http);
        if (refusal is not null)
        {
            return refusal;
        }
        if (limit is < 1 or > 500)
        {
            return Problems.Field("limit", "must be between 1 and 500");
        }
        return await subscriptions.FindAsync(id, scope, ct) is null
            ? NotFound(id)
            : Results.Ok(await subscriptions.DeliveriesAsync(id, limit ?? 100, ct));
    }

    private static async Task<IResult> ReplayAsync(Guid id, long deliveryId, HttpContext http, WebhookSubscriptions subscriptions, CancellationToken ct)
    {
        var (scope, refusal) = Scope(http);
        if (refusal is not null)
        {
            return refusal;
        }
        return await subscriptions.FindAsync(id, scope, ct) is not null && await subscriptions.ReplayAsync(id, deliveryId, ct)
            ? Results.Accepted(value: new ReplayScheduled(id, deliveryId))
            : Problems.Status(StatusCodes.Status404NotFound, $"Delivery {deliveryId} of subscription {id} not found");
    }

    private static IResult NotFound(Guid id) => Problems.Status(StatusCodes.Status404NotFound, $"Webhook subscription {id} not found");
}
