using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Disposition.Adapters;

/// <summary>
/// A Salesforce Change Data Capture event on Lead, as relayed to a webhook:
/// <c>{ "ChangeEventHeader": { "recordIds": [...], "commitTimestamp": ms, "transactionKey", "sequenceNumber" }, "Status": "..." }</c>.
/// One event per record id; events without a Status change carry nothing for us.
/// </summary>
public sealed class SalesforceChangeEventAdapter : IDispositionAdapter
{
    public string Name => "salesforce-cdc";

    public bool CanRead(string crm, JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("ChangeEventHeader", out _);

    public AdapterResult Read(JsonElement body)
    {
        var header = body.GetProperty("ChangeEventHeader");
        if (header.ValueKind != JsonValueKind.Object
            || !header.TryGetProperty("recordIds", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
        {
            return AdapterResult.Invalid("ChangeEventHeader.recordIds", "recordIds is required");
        }
        if (!header.TryGetProperty("commitTimestamp", out var commit) || !commit.TryGetInt64(out var millis))
        {
            return AdapterResult.Invalid("ChangeEventHeader.commitTimestamp", "commitTimestamp (Unix milliseconds) is required");
        }
        if (!body.TryGetProperty("Status", out var status) || status.ValueKind != JsonValueKind.String || status.GetString()!.Trim().Length == 0)
        {
            return AdapterResult.Invalid("Status", "Only Lead Status changes are taken");
        }
        var transaction = header.TryGetProperty("transactionKey", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString() : null;
        var sequence = header.TryGetProperty("sequenceNumber", out var seq) ? seq.ToString() : "0";
        var occurredAt = DateTimeOffset.FromUnixTimeMilliseconds(millis);
        var events = ids.EnumerateArray().Select(id => new DispositionEvent
        {
            EventId = transaction is null ? null : string.Create(CultureInfo.InvariantCulture, $"{transaction}:{sequence}:{id.GetString()}"),
            RecordId = id.GetString(),
            Status = status.GetString()!.Trim(),
            OccurredAt = occurredAt,
        }).ToList();
        return AdapterResult.Ok(events);
    }
}
