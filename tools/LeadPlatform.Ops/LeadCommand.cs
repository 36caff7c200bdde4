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
        var (timeline, missing) = await api.TryGetDispositionAsync($"v1/leads/{leadId}/timeline", ct);
        if (timeline is not { } found)
        {
            await output.WriteLineAsync($"  {missing}");
            return 0;
        }
        await output.WriteLineAsync($"  status {OpsCli.Text(found, "status")} (raw {OpsCli.Text(found, "rawStatus")}) since {OpsCli.Text(found, "statusAt")}");
        var entries = found.TryGetProperty("entries", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
        if (entries.Count == 0)
        {
            await output.WriteLineAsync("  no entries");
        }
        foreach (var entry in entries)
        {
            // Kind, mapped value and provider only: an entry's details can hold free text.
            var mapped = entry.TryGetProperty("mapped", out var m) && m.ValueKind == JsonValueKind.False ? $"unmapped raw '{OpsCli.Text(entry, "raw")}'" : OpsCli.Text(entry, "value");
            await output.WriteLineAsync($"  {OpsCli.Text(entry, "occurredAt"),-28} {OpsCli.Text(entry, "kind"),-10} {mapped,-24} " +
                $"{OpsCli.Text(entry, "provider")} {OpsCli.Text(entry, "integrationId")}".TrimEnd());
        }
        return 0;
    }
}
