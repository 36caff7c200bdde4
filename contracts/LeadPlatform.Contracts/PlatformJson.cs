using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadPlatform.Contracts;

/// <summary>
/// The platform's JSON for its contracts wherever it writes or reads them itself (outbox, delivery ledger, stored leads,
/// request bodies): camelCase, case-insensitive reads, nulls left out. The shape the schemas in contracts/schemas describe.
/// </summary>
public static class PlatformJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
