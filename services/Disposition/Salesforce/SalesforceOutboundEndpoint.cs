using System.Security.Cryptography;
using System.Text;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using MassTransit;

namespace LeadPlatform.Disposition.Salesforce;

/// <summary>
/// <c>POST /v1/dispositions/{integrationId}/salesforce/{pathSecret}</c>: the endpoint URL of a Salesforce outbound
/// message. Salesforce cannot sign its SOAP requests, so a request is taken only when the secret path segment equals
/// <c>credentials.outboundMessageSecret</c> and the message's OrganizationId equals <c>settings.organizationId</c>.
/// Acknowledged with <c>&lt;Ack&gt;true&lt;/Ack&gt;</c> once applied; Salesforce resends anything not acknowledged
/// with the same Notification Id, which is applied once.
/// </summary>
public static class SalesforceOutboundEndpoint
{
    public const string Route = "/v1/dispositions/{integrationId}/salesforce/{pathSecret}";

    public sealed class OutboundSettings
    {
        public string? OrganizationId { get; init; }
        /// <summary>Contacts have no standard status field; an org that adds one names it here.</summary>
        public string? ContactStatusField { get; init; }
    }

    public static void MapSalesforceOutboundMessages(this WebApplication app) =>
        app.MapPost(Route, ReceiveAsync)
            .WithSummary("Salesforce Outbound Messaging notifications (SOAP), acknowledged with notificationsResponse/Ack")
            .DocumentsBody(null, "text/xml")
            .Produces<string>(StatusCodes.Status200OK, "text/xml")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblems(StatusCodes.Status413PayloadTooLarge)
            .ProducesValidationProblem();

    private static async Task<IResult> ReceiveAsync(
        string integrationId, string pathSecret, HttpRequest request, PushAuthentication authentication, DispositionIntake intake,
        IPublishEndpoint publish, TimeProvider clock, CancellationToken ct)
    {
        // Unknown integration, other CRM, wrong path secret: one answer for all (PushAuthentication), so ids are not revealed.
        var auth = await authentication.AuthenticateAsync(request, integrationId, "salesforce", "outboundMessageSecret",
            (_, secret, _) => SameSecret(secret, pathSecret) ? SignatureCheck.Valid : SignatureCheck.Mismatch,
            _ => Unauthorized("pathSecret", "The endpoint URL does not carry this integration's outbound message secret"), ct);
        if (auth.Integration is not { } integration)
        {
            return auth.Refusal!;
        }
        var settings = integration.SettingsAs<OutboundSettings>();
        var (message, field, error) = OutboundMessage.Parse(auth.Body);
        if (message is null)
        {
            return Problems.Field(field!, error!);
        }
        if (settings.OrganizationId is not { Length: >= 15 } organizationId || !SameOrganization(organizationId, message.OrganizationId))
        {
            return authentication.Refuse(request.HttpContext, integrationId,
                Unauthorized("OrganizationId", "The message does not come from the organization configured on this integration"));
        }
        if (!integration.Directions.Contains(IntegrationDirections.InboundPush))
        {
            return Problems.Field("integrationId", $"Integration {integrationId} does not take pushed dispositions", StatusCodes.Status403Forbidden);
        }
        var changes = message.Notifications.Select(n => Change(n, settings, clock.GetUtcNow())).OfType<CrmChange>().ToList();
        await intake.ApplyAsync(integration, changes, "push", publish, ct);
        return Results.Text(OutboundMessage.Ack(true), "text/xml; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>A Lead (or Contact) status, a Task or an Event on a Lead/Contact, an Opportunity; anything else carries nothing for us.</summary>
    private static CrmChange? Change(OutboundNotification n, OutboundSettings settings, DateTimeOffset now)
    {
        var occurredAt = n.Time("LastModifiedDate") ?? n.Time("SystemModstamp") ?? now;
        if (n.ObjectType == "Opportunity")
        {
            return SalesforceOpportunities.Change(n.Field, n.Field(SalesforceOpportunities.EmailFormulaField), occurredAt);
        }
        var statusField = n.ObjectType.ToLowerInvariant() switch
        {
            "lead" => SalesforceActivities.LeadStatusField,
            "contact" => settings.ContactStatusField,
            _ => null,
        };
        if (statusField is not null && n.Field("Id") is { } recordId && n.Field(statusField) is { } status)
        {
            return new CrmChange(new DispositionEvent { EventId = $"salesforce-om:{n.Id}", RecordId = recordId, Status = status, OccurredAt = occurredAt }, statusField);
        }
        if (n.ObjectType is "Task" or "Event" && n.Field("Id") is { } id && n.Field("WhoId") is { } whoId)
        {
            var isTask = n.ObjectType == "Task";
            var at = isTask ? n.Time("CompletedDateTime") ?? n.Time("ActivityDate") ?? n.Time("CreatedDate") : n.Time("StartDateTime") ?? n.Time("ActivityDateTime");
            return new CrmChange(new DispositionEvent
            {
                EventId = isTask ? SalesforceActivities.TaskEventId(id) : SalesforceActivities.EventEventId(id),
                RecordId = whoId,
                Activities = [new ActivityInput(isTask ? SalesforceActivities.TaskType(n.Field) : "Event", SalesforceActivities.Details(n.Field), at ?? occurredAt)],
                OccurredAt = occurredAt,
            });
        }
        return null;
    }

    private static bool SameSecret(string? expected, string given) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    /// <summary>Salesforce ids come in 15- and 18-character forms; the first 15 are the id.</summary>
    private static bool SameOrganization(string configured, string sent) =>
        sent.Length >= 15 && string.Equals(configured[..15], sent[..15], StringComparison.Ordinal);

    private static IResult Unauthorized(string field, string title) =>
        Problems.Field(field, title, StatusCodes.Status401Unauthorized);
}
