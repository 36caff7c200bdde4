using System.Text.Json;

namespace LeadPlatform.Disposition.HubSpot;

/// <summary>
/// The deals a HubSpot webhook batch says changed (<c>deal.creation</c>, <c>deal.propertyChange</c> of
/// <c>dealstage</c>, <c>amount</c> or <c>closedate</c>, <c>deal.associationChange</c>). A deal event names no contact
/// and only one property, so the deal is then read from HubSpot (its state and contacts), as the poller reads it.
/// </summary>
public static class HubSpotDealWebhook
{
    private static readonly HashSet<string> Properties = new(StringComparer.Ordinal) { "dealstage", "amount", "closedate" };

    public static IReadOnlyList<string> DealIds(JsonElement batch)
    {
        if (batch.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var ids = new List<string>();
        foreach (var item in batch.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("subscriptionType", out var t) || t.ValueKind != JsonValueKind.String)
            {
                continue;
            }
            var relevant = t.GetString() switch
            {
                "deal.creation" or "deal.associationChange" => true,
                "deal.propertyChange" => item.TryGetProperty("propertyName", out var p) && p.ValueKind == JsonValueKind.String && Properties.Contains(p.GetString()!),
                _ => false,
            };
            var id = item.TryGetProperty("objectId", out var o) ? o.ValueKind switch
            {
                JsonValueKind.Number => o.GetRawText(),
                JsonValueKind.String => o.GetString(),
                _ => null,
            } : null;
            if (relevant && id is { Length: > 0 } && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }
        return ids;
    }
}
