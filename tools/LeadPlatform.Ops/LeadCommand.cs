using System.CommandLine;
using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary><c>lpops lead &lt;leadId&gt;</c>: what ingestion knows, each delivery's state, and the timeline if Disposition has one.</summary>
public static class LeadCommand
{
    public static Command Create(OpsContext context)
    {
        var leadId = new Argument<Guid?>("leadId") { Description = "The lead's id (a GUID)", CustomParser = OpsOptions.LeadId };
        var command = new Command("lead", "A lead's deliveries and its timeline") { leadId };
        command.SetAction((parse, ct) => context.RunAsync(parse, (api, console) => RunAsync(api, console, parse.GetRequiredValue(leadId)!.Value, ct)));
        return command;
    }

    private static async Task<int> RunAsync(OpsApi api, OpsConsole output, Guid leadId, CancellationToken ct)
    {
        var lead = await api.GetAdminAsync($"v1/admin/leads/{leadId}", ct);
        var (timeline, missing) = await api.TryGetDispositionAsync($"v1/leads/{leadId}/timeline", ct);
        if (output.Json)
        {
            await output.WriteJsonAsync(new { lead, timeline, timelineMissing = missing });
            return 0;
        }
        await output.LineAsync($"Lead {leadId}");
        if (lead.GetProperty("lead") is { ValueKind: JsonValueKind.Object } summary)
        {
            await output.LineAsync($"  source {OpsCli.Text(summary, "source")} ({OpsCli.Text(summary, "sourceLeadId")}), account {OpsCli.Text(summary, "accountId")}, " +
                $"conversion {OpsCli.Text(summary, "conversion")}, status {OpsCli.Text(summary, "status")}, accepted {OpsCli.Text(summary, "acceptedAt")}");
        }
        await output.LineAsync("Deliveries:");
        var deliveries = lead.GetProperty("deliveries").EnumerateArray().ToList();
        if (deliveries.Count == 0)
        {
            await output.LineAsync("  none recorded by a connector yet");
        }
        foreach (var d in deliveries)
        {
            await output.LineAsync($"  {OpsCli.Text(d, "integrationId"),-24} {OpsCli.Text(d, "crm"),-12} {OpsCli.Text(d, "state"),-16} " +
                $"attempts {OpsCli.Text(d, "attempts")}  {OpsCli.Text(d, "outcome")} {OpsCli.Text(d, "recordIds")} {OpsCli.Text(d, "lastError")}".TrimEnd());
        }
        await output.LineAsync("Timeline:");
        if (timeline is not { } found)
        {
            await output.LineAsync($"  {missing}");
            return 0;
        }
        await output.LineAsync($"  status {OpsCli.Text(found, "status")} (raw {OpsCli.Text(found, "rawStatus")}) since {OpsCli.Text(found, "statusAt")}");
        var entries = found.TryGetProperty("entries", out var e) && e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToList() : [];
        if (entries.Count == 0)
        {
            await output.LineAsync("  no entries");
        }
        foreach (var entry in entries)
        {
            // Kind, mapped value and provider only: an entry's details can hold free text.
            var mapped = entry.TryGetProperty("mapped", out var m) && m.ValueKind == JsonValueKind.False ? $"unmapped raw '{OpsCli.Text(entry, "raw")}'" : OpsCli.Text(entry, "value");
            await output.LineAsync($"  {OpsCli.Text(entry, "occurredAt"),-28} {OpsCli.Text(entry, "kind"),-10} {mapped,-24} " +
                $"{OpsCli.Text(entry, "provider")} {OpsCli.Text(entry, "integrationId")}".TrimEnd());
        }
        return 0;
    }
}
