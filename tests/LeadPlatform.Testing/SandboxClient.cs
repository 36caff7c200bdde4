using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadPlatform.Testing;

/// <summary>What a test asks the CRM sandbox: the records it holds, and the faults it should play.</summary>
public sealed class SandboxClient(HttpClient http)
{
    public sealed record Record(string Crm, string Kind, string Id, int Version, JsonObject Fields);

    public async Task<IReadOnlyList<Record>> RecordsAsync(string crm, string? kind = null)
    {
        var query = $"sandbox/records?crm={crm}" + (kind is null ? "" : $"&kind={kind}");
        return (await http.GetFromJsonAsync<List<Record>>(query, new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }

    public async Task FaultAsync(object fault) => (await http.PostAsJsonAsync("sandbox/faults", fault)).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync(string? crm = null) =>
        (await http.DeleteAsync("sandbox/faults" + (crm is null ? "" : $"?crm={crm}"))).EnsureSuccessStatusCode();

    public static string? Text(Record record, string field) =>
        record.Fields[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
