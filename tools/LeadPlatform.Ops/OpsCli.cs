using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary>The <c>lpops</c> commands. <see cref="RunAsync"/> is the whole CLI, callable in-process by tests.</summary>
public static class OpsCli
{
    public const string Usage = """
        lpops — LeadPlatform operations

          lpops lead <leadId>                                   a lead's deliveries (ledger + ingestion view) and timeline
          lpops failed [--crm C] [--integration I] [--since T] [--limit N]
                                                                failed deliveries, oldest failure first
          lpops replay <leadId> <integrationId>                 replay one failed delivery
          lpops replay --all [--crm C] [--integration I] [--since T] [--batch N] [--wait]
                                                                replay every failed delivery matching the filter
          lpops errors                                          *_error queues and their depth
          lpops errors drain <queue> [--limit N]                move an error queue's messages back to their source queue
          lpops unmapped                                        disposition values no mapping covers, per provider

        Options (or environment):
          --api URL          ingestion (LPOPS_API, default http://127.0.0.1:5080)
          --admin-key KEY    X-Admin-Key (LPOPS_ADMIN_KEY, else .run/admin-key from build/up.sh, else dev-admin-key)
          --disposition URL  Disposition service (LPOPS_DISPOSITION, default http://127.0.0.1:5090)
        T is ISO 8601 (2026-11-23T09:00:00Z) or a duration back from now (30m, 6h, 2d).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error,
        HttpMessageHandler? handler = null, CancellationToken ct = default)
    {
        var line = CommandLine.Parse(args);
        if (line.At(0) is null || line.Flag("help") || line.At(0) is "help")
        {
            await output.WriteLineAsync(Usage);
            return line.At(0) is null ? 1 : 0;
        }
        using var api = new OpsApi(OpsSettings.From(line), handler);
        try
        {
            return line.At(0) switch
            {
                "lead" => await LeadCommand.RunAsync(api, line, output, ct),
                "failed" => await FailedCommand.RunAsync(api, line, output, ct),
                "replay" => await ReplayCommand.RunAsync(api, line, output, ct),
                "errors" => await ErrorsCommand.RunAsync(api, line, output, ct),
                "unmapped" => await UnmappedCommand.RunAsync(api, output, ct),
                var unknown => await UsageErrorAsync(error, $"Unknown command '{unknown}'."),
            };
        }
        catch (UsageException ex)
        {
            return await UsageErrorAsync(error, ex.Message);
        }
        catch (OpsException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }
        catch (HttpRequestException ex)
        {
            await error.WriteLineAsync($"The platform does not answer: {ex.Message}");
            return 2;
        }
    }

    private static async Task<int> UsageErrorAsync(TextWriter error, string message)
    {
        await error.WriteLineAsync(message);
        await error.WriteLineAsync(Usage);
        return 1;
    }

    internal static string Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()
            : "";

    /// <summary>The delivery filter as query parameters; <c>--since</c> accepts a time or a duration back from now.</summary>
    internal static string FilterQuery(CommandLine line, DateTimeOffset now, params (string Name, string? Value)[] extra)
    {
        var since = line.Option("since") is { } raw ? Since(raw, now) : null;
        var parts = new (string Name, string? Value)[] { ("crm", line.Option("crm")), ("integration", line.Option("integration")), ("since", since) }
            .Concat(extra)
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}");
        return string.Join('&', parts);
    }

    private static string Since(string raw, DateTimeOffset now)
    {
        if (raw.Length > 1 && double.TryParse(raw[..^1], System.Globalization.CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? back = raw[^1] switch
            {
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (back is { } span)
            {
                return (now - span).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return raw;
    }
}

public sealed class UsageException(string message) : Exception(message);
