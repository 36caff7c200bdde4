using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary>
/// <c>lpops replay &lt;leadId&gt; &lt;integrationId&gt;</c> or <c>lpops replay --all [filter] [--batch N] [--wait]</c>.
/// Only failed deliveries are replayed: each goes back to its connector's scheduled retries, which deliver it once
/// (looking the lead up in the CRM first when an earlier try may have created it).
/// </summary>
public static class ReplayCommand
{
    public static async Task<int> RunAsync(OpsApi api, CommandLine line, TextWriter output, CancellationToken ct)
    {
        List<(string LeadId, string IntegrationId)> replayed;
        if (line.Flag("all"))
        {
            replayed = await ReplayAllAsync(api, line, output, ct);
        }
        else if (Guid.TryParse(line.At(1), out var leadId) && line.At(2) is { } integrationId)
        {
            await api.PostAdminAsync($"v1/admin/deliveries/{leadId}/{Uri.EscapeDataString(integrationId)}/replay", ct);
            await output.WriteLineAsync($"Replay of lead {leadId} to {integrationId} scheduled.");
            replayed = [(leadId.ToString(), integrationId)];
        }
        else
        {
            throw new UsageException("replay needs <leadId> <integrationId>, or --all with an optional --crm/--integration/--since filter.");
        }
        return line.Flag("wait") && replayed.Count > 0 ? await WaitAsync(api, replayed, line, output, ct) : 0;
    }

    private static async Task<List<(string, string)>> ReplayAllAsync(OpsApi api, CommandLine line, TextWriter output, CancellationToken ct)
    {
        // Only what had failed when the replay began: a delivery failing again meanwhile is not replayed twice.
        var began = DateTimeOffset.UtcNow;
        var before = ("before", (string?)began.ToString("O", CultureInfo.InvariantCulture));
        var batch = line.Option("batch") ?? "100";
        var total = (await api.GetAdminAsync($"v1/admin/deliveries/failed?{OpsCli.FilterQuery(line, began, before, ("limit", "1"))}", ct))
            .GetProperty("total").GetInt32();
        await output.WriteLineAsync($"Replaying {total} failed deliveries…");
        var replayed = new List<(string, string)>();
        while (true)
        {
            var answer = await api.PostAdminAsync($"v1/admin/deliveries/replay?{OpsCli.FilterQuery(line, began, before, ("limit", batch))}", ct);
            var count = answer.GetProperty("replayed").GetInt32();
            if (count == 0)
            {
                break;
            }
            replayed.AddRange(answer.GetProperty("deliveries").EnumerateArray()
                .Select(d => (OpsCli.Text(d, "leadId"), OpsCli.Text(d, "integrationId"))));
            await output.WriteLineAsync($"  scheduled {replayed.Count}/{Math.Max(total, replayed.Count)}");
        }
        await output.WriteLineAsync($"Scheduled {replayed.Count} replays; the connectors deliver them on their next retry round.");
        return replayed;
    }

    /// <summary>Follows each replayed delivery in the ledger until it is delivered or failed again.</summary>
    private static async Task<int> WaitAsync(OpsApi api, List<(string LeadId, string IntegrationId)> replayed, CommandLine line,
        TextWriter output, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(int.TryParse(line.Option("timeout"), CultureInfo.InvariantCulture, out var s) ? s : 300);
        var deadline = DateTimeOffset.UtcNow + timeout;
        var pending = replayed.ToHashSet();
        int delivered = 0, failed = 0;
        while (pending.Count > 0 && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            foreach (var leadId in pending.Select(p => p.LeadId).Distinct().ToList())
            {
                var lead = await api.GetAdminAsync($"v1/admin/leads/{leadId}", ct);
                foreach (var d in lead.GetProperty("deliveries").EnumerateArray())
                {
                    var key = (leadId, OpsCli.Text(d, "integrationId"));
                    var state = OpsCli.Text(d, "state");
                    if (pending.Contains(key) && state is "delivered" or "failed")
                    {
                        pending.Remove(key);
                        _ = state == "delivered" ? delivered++ : failed++;
                    }
                }
            }
            await output.WriteLineAsync($"  settled {replayed.Count - pending.Count}/{replayed.Count}: delivered {delivered}, failed again {failed}");
        }
        if (pending.Count > 0)
        {
            await output.WriteLineAsync($"{pending.Count} replays still in progress after {timeout}.");
        }
        return failed == 0 && pending.Count == 0 ? 0 : 3;
    }
}
