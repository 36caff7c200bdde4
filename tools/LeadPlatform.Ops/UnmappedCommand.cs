using System.CommandLine;
using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary><c>lpops unmapped</c>: raw CRM disposition values that no mapping covers, per provider, from the Disposition service.</summary>
public static class UnmappedCommand
{
    public static Command Create(OpsContext context)
    {
        var command = new Command("unmapped", "Disposition values no mapping covers, per provider");
        command.SetAction((parse, ct) => context.RunAsync(parse, (api, console) => RunAsync(api, console, ct)));
        return command;
    }

    private static async Task<int> RunAsync(OpsApi api, OpsConsole output, CancellationToken ct)
    {
        var (unmapped, missing) = await api.TryGetDispositionAsync("v1/dispositions/unmapped", ct);
        var exit = unmapped is null && missing != "none recorded yet" ? 2 : 0;
        if (output.Json)
        {
            await output.WriteJsonAsync(unmapped is { } answer ? answer : new { providers = Array.Empty<object>(), missing });
            return exit;
        }
        if (unmapped is not { } found)
        {
            await output.LineAsync($"Unmapped values: {missing}");
            return exit;
        }
        var providers = found.TryGetProperty("providers", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];
        var rows = providers.SelectMany(provider => new[] { ("status", "statuses"), ("activity", "activities") }
                .SelectMany(kind => provider.TryGetProperty(kind.Item2, out var values) && values.ValueKind == JsonValueKind.Array
                    ? values.EnumerateArray().Select(v => (Provider: OpsCli.Text(provider, "provider"), Kind: kind.Item1, Value: v))
                    : []))
            .ToList();
        if (rows.Count == 0)
        {
            await output.LineAsync("No unmapped values.");
        }
        foreach (var (provider, kind, value) in rows)
        {
            await output.LineAsync($"  {provider,-14} {kind,-9} {OpsCli.Text(value, "raw"),-32} seen {OpsCli.Text(value, "count"),-6} last {OpsCli.Text(value, "lastSeenAt")}");
        }
        return 0;
    }
}
