using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Disposition.Adapters;

/// <summary>
/// The platform's own shape, one object or an array of them:
/// <c>{ eventId, leadId | recordId | contactEmail, status, activities: [{ type, details, occurredAt }],
/// opportunity: { id, stage, amount, closeDate }, occurredAt }</c>.
/// The polling feed uses it too.
/// </summary>
public sealed class GenericAdapter : IDispositionAdapter
{
    public string Name => "generic";

    public bool CanRead(string crm, JsonElement body) => true;

    private sealed class Payload
    {
        public string? EventId { get; init; }
        public Guid? LeadId { get; init; }
        public string? RecordId { get; init; }
        public string? Status { get; init; }
        public List<ActivityPayload>? Activities { get; init; }
        public string? ContactEmail { get; init; }
        public OpportunityInput? Opportunity { get; init; }
        public DateTimeOffset? OccurredAt { get; init; }
    }

    private sealed class ActivityPayload
    {
        public string? Type { get; init; }
        public string? Details { get; init; }
        public DateTimeOffset? OccurredAt { get; init; }
    }

    public AdapterResult Read(JsonElement body)
    {
        var items = body.ValueKind == JsonValueKind.Array ? body.EnumerateArray().ToList() : [body];
        var events = new List<DispositionEvent>();
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = body.ValueKind == JsonValueKind.Array ? $"[{i}]." : "";
            if (items[i].ValueKind != JsonValueKind.Object)
            {
                return AdapterResult.Invalid(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "Each disposition must be a JSON object");
            }
            Payload payload;
            try
            {
                payload = items[i].Deserialize<Payload>(PlatformJson.Options)!;
            }
            catch (JsonException ex)
            {
                return AdapterResult.Invalid(prefix + (ex.Path ?? "$").TrimStart('$', '.'), $"Wrong type: {ex.Message}");
            }
            if (Validate(payload, prefix) is { } invalid)
            {
                return invalid;
            }
            events.Add(new DispositionEvent
            {
                EventId = string.IsNullOrWhiteSpace(payload.EventId) ? null : payload.EventId,
                LeadId = payload.LeadId,
                RecordId = string.IsNullOrWhiteSpace(payload.RecordId) ? null : payload.RecordId,
                Status = string.IsNullOrWhiteSpace(payload.Status) ? null : payload.Status.Trim(),
                Activities = (payload.Activities ?? []).Select(a => new ActivityInput(a.Type!.Trim(), a.Details, a.OccurredAt)).ToList(),
                ContactEmail = string.IsNullOrWhiteSpace(payload.ContactEmail) ? null : payload.ContactEmail.Trim(),
                Opportunity = payload.Opportunity,
                OccurredAt = payload.OccurredAt!.Value,
            });
        }
        return AdapterResult.Ok(events);
    }

    private static AdapterResult? Validate(Payload payload, string prefix)
    {
        if (payload.LeadId is null && string.IsNullOrWhiteSpace(payload.RecordId) && string.IsNullOrWhiteSpace(payload.ContactEmail))
        {
            return AdapterResult.Invalid(prefix + "leadId", "Name the lead by leadId, by the CRM's recordId or by contactEmail");
        }
        if (string.IsNullOrWhiteSpace(payload.Status) && (payload.Activities is null || payload.Activities.Count == 0) && payload.Opportunity is null)
        {
            return AdapterResult.Invalid(prefix + "status", "Send a status, activities or an opportunity");
        }
        if (payload.OccurredAt is null)
        {
            return AdapterResult.Invalid(prefix + "occurredAt", "occurredAt is required");
        }
        for (var a = 0; a < (payload.Activities?.Count ?? 0); a++)
        {
            if (string.IsNullOrWhiteSpace(payload.Activities![a].Type))
            {
                return AdapterResult.Invalid($"{prefix}activities[{a}].type", "Each activity needs a type");
            }
        }
        return null;
    }
}
