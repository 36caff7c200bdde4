using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary><c>lpops unmapped</c>: raw CRM disposition values that no mapping covers, from the Disposition service.</summary>
public static class UnmappedCommand
{
    public static async Task<int> RunAsync(OpsApi api, TextWriter output, CancellationToken ct)
    {
        var unmapped = await api.TryGetDispositionAsync("v1/dispositions/unmapped", ct);
        if (unmapped is not { } values)
        {
            await output.WriteLineAsync("Not available: the Disposition service does not answer.");
            return 2;
        }
        var items = values.ValueKind == JsonValueKind.Array ? values.EnumerateArray().ToList()
            : values.TryGetProperty("values", out var v) ? v.EnumerateArray().ToList() : [];
        if (items.Count == 0)
        {
            await output.WriteLineAsync("No unmapped values.");
        }
        foreach (var item in items)
        {
            await output.WriteLineAsync($"  {OpsCli.Text(item, "provider"),-14} {OpsCli.Text(item, "kind"),-10} {OpsCli.Text(item, "rawValue") + OpsCli.Text(item, "value"),-32} " +
                $"{OpsCli.Text(item, "count")}");
        }
        return 0;
    }
}
