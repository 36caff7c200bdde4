using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Disposition.Dealer;

/// <summary>
/// The dealer push shape, one object or an array of them:
/// <c>{ eventId, leadId | adfProspectId | crmRecordId, email, status, activities: [{ type, occurredAt, details }], occurredAt }</c>.
/// <c>adfProspectId</c> is the ADF <c>&lt;id sequence="1"&gt;</c> the platform sent (our lead id); <c>crmRecordId</c> is the
/// dealer CRM's own id for the lead; <c>email</c> is the fallback when neither finds the lead.
/// </summary>
public static class DealerPushReader
{
    /// <summary>One dealer event: the pipeline's event, plus how the dealer named the lead (tried in order).</summary>
    public sealed record DealerEvent(DispositionEvent Event, Guid? LeadId, string? CrmRecordId, string? Email);

    /// <summary>One pushed dealer event (a body is one of these or an array of them).</summary>
    public sealed class Payload
    {
        public string? EventId { get; init; }
        public string? LeadId { get; init; }
        public string? AdfProspectId { get; init; }
        public string? CrmRecordId { get; init; }
        public string? Email { get; init; }
        public string? Status { get; init; }
        public List<ActivityPayload>? Activities { get; init; }
        public DateTimeOffset? OccurredAt { get; init; }
    }

    public sealed class ActivityPayload
    {
        public string? Type { get; init; }
        public string? Details { get; init; }
        public DateTimeOffset? OccurredAt { get; init; }
    }

    public static (IReadOnlyList<DealerEvent> Events, IDictionary<string, string[]>? Errors) Read(JsonElement body)
    {
        var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
        var events = new List<DealerEvent>();
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = body.ValueKind == JsonValueKind.Array ? $"[{i}]." : "";
            if (items[i].ValueKind != JsonValueKind.Object)
            {
                return ([], Error(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "Each disposition must be a JSON object"));
            }
            Payload payload;
            try
            {
                payload = items[i].Deserialize<Payload>(PlatformJson.Options)!;
            }
            catch (JsonException ex)
            {
                return ([], Error(prefix + (ex.Path ?? "$").TrimStart('$', '.'), $"Wrong type: {ex.Message}"));
            }
            if (Check(payload, prefix) is { } errors)
            {
                return ([], errors);
            }
            var leadId = Guid.TryParse(payload.LeadId ?? payload.AdfProspectId, out var id) ? id : (Guid?)null;
            events.Add(new DealerEvent(new DispositionEvent
            {
                EventId = Blank(payload.EventId),
                Status = Blank(payload.Status),
                Activities = (payload.Activities ?? []).Select(a => new ActivityInput(a.Type!.Trim(), a.Details, a.OccurredAt)).ToList(),
                OccurredAt = payload.OccurredAt!.Value,
            }, leadId, Blank(payload.CrmRecordId), Blank(payload.Email)));
        }
        return (events, null);
    }

    private static Dictionary<string, string[]>? Check(Payload payload, string prefix)
    {
        if (payload.LeadId is { } lead && !Guid.TryParse(lead, out _))
        {
            return Error(prefix + "leadId", "must be the platform's lead id (a UUID)");
        }
        if (payload.AdfProspectId is { } prospect && !Guid.TryParse(prospect, out _))
        {
            return Error(prefix + "adfProspectId", "must be the ADF <id sequence=\"1\"> the platform sent (a UUID)");
        }
        if (Blank(payload.LeadId) is null && Blank(payload.AdfProspectId) is null && Blank(payload.CrmRecordId) is null && Blank(payload.Email) is null)
        {
            return Error(prefix + "leadId", "Name the lead by leadId, adfProspectId, crmRecordId or email");
        }
        if (Blank(payload.Status) is null && (payload.Activities is null || payload.Activities.Count == 0))
        {
            return Error(prefix + "status", "Send a status, activities or both");
        }
        if (payload.OccurredAt is null)
        {
            return Error(prefix + "occurredAt", "occurredAt is required");
        }
        for (var a = 0; a < (payload.Activities?.Count ?? 0); a++)
        {
            if (Blank(payload.Activities![a].Type) is null)
            {
                return Error($"{prefix}activities[{a}].type", "Each activity needs a type");
            }
            if (payload.Activities[a].OccurredAt is null)
            {
                return Error($"{prefix}activities[{a}].occurredAt", "Each activity needs the time it happened");
            }
        }
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Dictionary<string, string[]> Error(string field, string message) => new() { [field] = [message] };
}
