using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadPlatform.Integrations;

public static class JsonDefaults
{
    /// <summary>camelCase, case-insensitive reads, nulls left out: the platform's JSON everywhere.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
