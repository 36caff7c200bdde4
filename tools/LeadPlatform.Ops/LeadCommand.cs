using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary><c>lpops lead &lt;leadId&gt;</c>: what ingestion knows, each delivery's ledger row, and the timeline if Disposition has one.</summary>
public static class LeadCommand
{
    public static async Task<int> RunAsync(OpsApi api, CommandLine line, TextWriter output, CancellationToken ct)
    {
        if (!Guid.TryParse(line.At(1), out var leadId))
        {
            throw new UsageException("lead needs a lead id (a GUID).");
        }
        var lead = await api.GetAdminAsync($"v1/admin/leads/{leadId}", ct);
        await output.WriteLineAsync($"Lead {leadId}");
        if (lead.GetProperty("lead") is { ValueKind: JsonValueKind.Object } summary)
        {
            await output.WriteLineAsync($"  source {OpsCli.Text(summary, "source")} ({OpsCli.Text(summary, "sourceLeadId")}), account {OpsCli.Text(summary, "accountId")}, " +
                $"conversion {OpsCli.Text(summary, "conversion")}, status {OpsCli.Text(summary, "status")}, accepted {OpsCli.Text(summary, "acceptedAt")}");
        }
        await output.WriteLineAsync("Deliveries (ledger):");
        var deliveries = lead.GetProperty("deliveries").EnumerateArray().ToList();
        if (deliveries.Count == 0)
        {
            await output.WriteLineAsync("  none recorded by a connector yet");
        }
        foreach (var d in deliveries)
        {
            await output.WriteLineAsync($"  {OpsCli.Text(d, "integrationId"),-24} {OpsCli.Text(d, "crm"),-12} {OpsCli.Text(d, "state"),-16} " +
                $"attempts {OpsCli.Text(d, "attempts")}  {OpsCli.Text(d, "outcome")} {OpsCli.Text(d, "recordIds")} {OpsCli.Text(d, "lastError")}".TrimEnd());
        }
        await output.WriteLineAsync("Ingestion view:");
        foreach (var v in lead.GetProperty("view").EnumerateArray())
        {
            await output.WriteLineAsync($"  {OpsCli.Text(v, "integrationId"),-24} {OpsCli.Text(v, "crm"),-12} {OpsCli.Text(v, "state"),-16} attempts {OpsCli.Text(v, "attempts")}");
        }
        await output.WriteLineAsync("Timeline:");
        var timeline = await api.TryGetDispositionAsync($"v1/leads/{leadId}/timeline", ct);
        if (timeline is not { } entries)
        {
            await output.WriteLineAsync("  not available (the Disposition service does not answer)");
            return 0;
        }
        var items = entries.ValueKind == JsonValueKind.Array ? entries.EnumerateArray().ToList()
            : entries.TryGetProperty("entries", out var e) ? e.EnumerateArray().ToList() : [];
        if (items.Count == 0)
        {
            await output.WriteLineAsync("  no entries");
        }
        foreach (var item in items)
        {
            var when = OpsCli.Text(item, "occurredAt");
            var what = new[] { "kind", "type", "status", "activity", "provider", "crm" }.Select(n => OpsCli.Text(item, n)).Where(t => t.Length > 0);
            await output.WriteLineAsync($"  {when}  {string.Join("  ", what)}");
        }
        return 0;
    }
}
