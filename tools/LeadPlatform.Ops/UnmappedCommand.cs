using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary><c>lpops unmapped</c>: raw CRM disposition values that no mapping covers, per provider, from the Disposition service.</summary>
public static class UnmappedCommand
{
    public static async Task<int> RunAsync(OpsApi api, TextWriter output, CancellationToken ct)
    {
        var (unmapped, missing) = await api.TryGetDispositionAsync("v1/dispositions/unmapped", ct);
        if (unmapped is not { } found)
        {
            await output.WriteLineAsync($"Unmapped values: {missing}");
            return missing == "none recorded yet" ? 0 : 2;
        }
        var providers = found.TryGetProperty("providers", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];
        var rows = providers.SelectMany(provider => new[] { ("status", "statuses"), ("activity", "activities") }
                .SelectMany(kind => provider.TryGetProperty(kind.Item2, out var values) && values.ValueKind == JsonValueKind.Array
                    ? values.EnumerateArray().Select(v => (Provider: OpsCli.Text(provider, "provider"), Kind: kind.Item1, Value: v))
                    : []))
            .ToList();
        if (rows.Count == 0)
        {
            await output.WriteLineAsync("No unmapped values.");
        }
        foreach (var (provider, kind, value) in rows)
        {
            await output.WriteLineAsync($"  {provider,-14} {kind,-9} {OpsCli.Text(value, "raw"),-32} seen {OpsCli.Text(value, "count"),-6} last {OpsCli.Text(value, "lastSeenAt")}");
        }
        return 0;
    }
}
