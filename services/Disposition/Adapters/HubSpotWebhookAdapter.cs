using System.Text.Json;

namespace LeadPlatform.Disposition.Adapters;

/// <summary>
/// HubSpot webhook batches: an array of <c>{ eventId, subscriptionType, objectId, propertyName, propertyValue, occurredAt }</c>.
/// <c>hs_lead_status</c> changes become statuses; other property changes carry nothing for us and are skipped.
/// </summary>
public sealed class HubSpotWebhookAdapter : IDispositionAdapter
{
    public string Name => "hubspot-webhook";

    public bool CanRead(string crm, JsonElement body) =>
        body.ValueKind == JsonValueKind.Array && body.GetArrayLength() > 0
        && body[0].ValueKind == JsonValueKind.Object && body[0].TryGetProperty("subscriptionType", out _);

    public AdapterResult Read(JsonElement body)
    {
        var events = new List<DispositionEvent>();
        var i = 0;
        foreach (var item in body.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || Text(item, "propertyName") != "hs_lead_status")
            {
                i++;
                continue;
            }
            if (Text(item, "objectId") is not { Length: > 0 } objectId)
            {
                return AdapterResult.Invalid($"[{i}].objectId", "objectId is required");
            }
            if (!item.TryGetProperty("occurredAt", out var at) || !at.TryGetInt64(out var millis))
            {
                return AdapterResult.Invalid($"[{i}].occurredAt", "occurredAt (Unix milliseconds) is required");
            }
            if (Text(item, "propertyValue") is not { Length: > 0 } value)
            {
                return AdapterResult.Invalid($"[{i}].propertyValue", "propertyValue is required");
            }
            events.Add(new DispositionEvent
            {
                EventId = Text(item, "eventId"),
                RecordId = objectId,
                Status = value,
                OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(millis),
            });
            i++;
        }
        return events.Count == 0 ? AdapterResult.Invalid("propertyName", "No hs_lead_status change in the batch") : AdapterResult.Ok(events);
    }

    /// <summary>HubSpot sends ids as numbers; we keep them as text.</summary>
    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;
}
