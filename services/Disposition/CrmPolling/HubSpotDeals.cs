using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Disposition.CrmPolling;

/// <summary>
/// HubSpot deals as opportunities: one event per deal state and associated contact, found by the contact the platform
/// delivered (record mode). HubSpot keeps one contact per email address, so a deal for the lead's person is on that
/// contact; matching by email adds nothing there.
/// </summary>
public static class HubSpotDeals
{
    public static readonly string[] Properties = ["dealstage", "amount", "closedate"];

    public static List<CrmChange> Changes(List<JsonElement> deals, Dictionary<string, List<string>> contactsOf)
    {
        var changes = new List<CrmChange>();
        foreach (var deal in deals)
        {
            if (CrmHttp.Text(deal, "id") is not { } id || (deal.TryGetProperty("updatedAt", out var u) ? CrmHttp.Time(u) : null) is not { } at)
            {
                continue;
            }
            var properties = deal.GetProperty("properties");
            var amount = decimal.TryParse(CrmHttp.Text(properties, "amount"), NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a : (decimal?)null;
            // closedate is a datetime (ISO 8601, midnight UTC of the day) in the v3 API.
            var closeDate = properties.TryGetProperty("closedate", out var c) && CrmHttp.Time(c) is { } close ? DateOnly.FromDateTime(close.UtcDateTime) : (DateOnly?)null;
            foreach (var contactId in contactsOf.GetValueOrDefault(id) ?? [])
            {
                changes.Add(new CrmChange(new DispositionEvent
                {
                    EventId = $"hubspot-deal:{id}:{CrmHttp.Millis(at)}:{contactId}",
                    RecordId = contactId,
                    Opportunity = new OpportunityInput(CrmHttp.Text(properties, "dealstage"), amount, closeDate, id),
                    OccurredAt = at,
                }));
            }
        }
        return changes;
    }
}
