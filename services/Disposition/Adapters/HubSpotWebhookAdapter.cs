using System.Text.Json;

namespace LeadPlatform.Disposition.Adapters;

/// <summary>
/// HubSpot webhook batches: an array of <c>{ eventId, subscriptionId, portalId, subscriptionType, objectId, propertyName,
/// propertyValue, occurredAt, … }</c>. Contact property changes of <c>hs_lead_status</c> and <c>lifecyclestage</c>
/// become statuses; <c>contact.associationChange</c> events that associate a call, email, meeting, note or task with
/// a contact become activities. Everything else carries nothing for us and is skipped.
/// </summary>
public sealed class HubSpotWebhookAdapter : IDispositionAdapter
{
    /// <summary>The contact properties read as a status.</summary>
    public static readonly IReadOnlySet<string> StatusProperties = new HashSet<string>(StringComparer.Ordinal) { "hs_lead_status", "lifecyclestage" };

    /// <summary>Association types (as webhooks spell them) that mean an engagement was logged on the contact.</summary>
    private static readonly Dictionary<string, string> EngagementAssociations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CONTACT_TO_CALL"] = "CALL", ["CONTACT_TO_EMAIL"] = "EMAIL", ["CONTACT_TO_MEETING"] = "MEETING",
        ["CONTACT_TO_NOTE"] = "NOTE", ["CONTACT_TO_TASK"] = "TASK",
    };

    public string Name => "hubspot-webhook";

    public bool CanRead(string crm, JsonElement body) =>
        body.ValueKind == JsonValueKind.Array && body.GetArrayLength() > 0
        && body[0].ValueKind == JsonValueKind.Object && body[0].TryGetProperty("subscriptionType", out _);

    public AdapterResult Read(JsonElement body)
    {
        var (changes, errors) = ReadChanges(body);
        if (errors is not null)
        {
            return new AdapterResult([], errors);
        }
        return changes.Count == 0
            ? AdapterResult.Invalid("propertyName", "No hs_lead_status, lifecyclestage or engagement change in the batch")
            : AdapterResult.Ok(changes.Select(c => c.Event).ToList());
    }

    /// <summary>The batch's changes we can use (possibly none), or the first field that is wrong.</summary>
    public static (IReadOnlyList<CrmChange> Changes, IDictionary<string, string[]>? Errors) ReadChanges(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            return ([], Error("body", "A HubSpot webhook body is an array of events"));
        }
        var changes = new List<CrmChange>();
        var i = -1;
        foreach (var item in body.EnumerateArray())
        {
            i++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                return ([], Error($"[{i}]", "Each event must be a JSON object"));
            }
            var type = Text(item, "subscriptionType");
            var property = Text(item, "propertyName");
            var isStatus = type == "contact.propertyChange" && property is not null && StatusProperties.Contains(property);
            var engagement = type == "contact.associationChange" && !Flag(item, "associationRemoved")
                && Text(item, "associationType") is { } association && EngagementAssociations.TryGetValue(association, out var kind) ? kind : null;
            // Generic pushes of older HubSpot shapes name no subscription type beyond the property.
            isStatus |= type is null && property == "hs_lead_status";
            if (!isStatus && engagement is null)
            {
                continue;
            }
            if (!item.TryGetProperty("occurredAt", out var at) || !at.TryGetInt64(out var millis))
            {
                return ([], Error($"[{i}].occurredAt", "occurredAt (Unix milliseconds) is required"));
            }
            var occurredAt = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            var eventId = Text(item, "eventId");
            if (isStatus)
            {
                if (Text(item, "objectId") is not { Length: > 0 } objectId)
                {
                    return ([], Error($"[{i}].objectId", "objectId is required"));
                }
                if (Text(item, "propertyValue") is not { Length: > 0 } value)
                {
                    return ([], Error($"[{i}].propertyValue", "propertyValue is required"));
                }
                changes.Add(new CrmChange(new DispositionEvent { EventId = eventId, RecordId = objectId, Status = value, OccurredAt = occurredAt }, property));
                continue;
            }
            if (Text(item, "fromObjectId") is not { Length: > 0 } contactId)
            {
                return ([], Error($"[{i}].fromObjectId", "fromObjectId (the contact) is required"));
            }
            var engagementId = Text(item, "toObjectId");
            changes.Add(new CrmChange(new DispositionEvent
            {
                // The same engagement arriving later by polling carries the same id, so it is applied once.
                EventId = engagementId is null ? eventId : $"hubspot-{engagement!.ToLowerInvariant()}:{engagementId}:{contactId}",
                RecordId = contactId,
                Activities = [new ActivityInput(engagement!, null, occurredAt)],
                OccurredAt = occurredAt,
            }));
        }
        return (changes, null);
    }

    private static Dictionary<string, string[]> Error(string field, string message) => new() { [field] = [message] };

    private static bool Flag(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>HubSpot sends ids as numbers; we keep them as text.</summary>
    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
