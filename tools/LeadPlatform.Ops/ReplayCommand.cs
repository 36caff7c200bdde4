using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LeadPlatform.Ops;

/// <summary>
/// <c>lpops replay &lt;leadId&gt; &lt;integrationId&gt;</c> or <c>lpops replay --all [filter] [--batch N] [--wait]</c>.
/// Only failed deliveries are replayed: each goes back to its connector's scheduled retries, which deliver it once
/// (looking the lead up in the CRM first when an earlier try may have created it).
/// </summary>
public static class ReplayCommand
{
    public static Command Create(OpsContext context)
    {
        var leadId = new Argument<Guid?>("leadId") { Description = "The lead's id (a GUID)", Arity = ArgumentArity.ZeroOrOne, CustomParser = OpsOptions.LeadId };
        var integrationId = new Argument<string?>("integrationId") { Description = "The integration to replay it to", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Replay every failed delivery matching --crm/--integration/--since" };
        var filter = new DeliveryFilterOptions();
        var batch = OpsOptions.Count("--batch", "Replays scheduled per request with --all (default 100)", 1000);
        var wait = new Option<bool>("--wait") { Description = "Follow the replays until each is delivered or failed again (exit 3 if any failed again)" };
        var timeout = OpsOptions.Count("--timeout", "Seconds --wait follows them (default 300)", 86_400);
        var command = new Command("replay", "Replay one failed delivery, or with --all every failed delivery matching a filter")
        {
            leadId, integrationId, all, batch, wait, timeout,
        };
        filter.AddTo(command);
        command.Validators.Add(result =>
        {
            // Tokens, not values: a lead id that failed to parse has its own error already.
            var one = result.GetResult(leadId) is { Tokens.Count: > 0 } && result.GetResult(integrationId) is { Tokens.Count: > 0 };
            var given = result.GetResult(leadId) is { Tokens.Count: > 0 } || result.GetResult(integrationId) is { Tokens.Count: > 0 };
            if (result.GetValue(all) == given || (!result.GetValue(all) && !one))
            {
                result.AddError("replay needs <leadId> <integrationId>, or --all with an optional --crm/--integration/--since filter.");
            }
            else if (!result.GetValue(all) && (filter.AnyGiven(result) || result.GetResult(batch) is { Implicit: false }))
            {
                result.AddError("--crm, --integration, --since and --batch go with --all only.");
            }
        });
        command.SetAction((parse, ct) => context.RunAsync(parse, async (api, output) =>
        {
            var replay = new Replay(api, output, ct);
            var replayed = parse.GetValue(all)
                ? await replay.AllAsync(filter, parse, parse.GetValue(batch) ?? 100)
                : await replay.OneAsync(parse.GetValue(leadId)!.Value, parse.GetValue(integrationId)!);
            var settled = parse.GetValue(wait) && replayed.Count > 0
                ? await replay.WaitAsync(replayed, TimeSpan.FromSeconds(parse.GetValue(timeout) ?? 300))
                : null;
            if (output.Json)
            {
                await output.WriteJsonAsync(new
                {
                    replayed = replayed.Select(r => new { leadId = r.LeadId, integrationId = r.IntegrationId }),
                    settled = settled is { } s ? new { delivered = s.Delivered, failedAgain = s.Failed, pending = s.Pending } : null,
                });
            }
            return settled is { } done && (done.Failed > 0 || done.Pending > 0) ? 3 : 0;
        }));
        return command;
    }

    private sealed record Settled(int Delivered, int Failed, int Pending);

    private sealed class Replay(OpsApi api, OpsConsole output, CancellationToken ct)
    {
        public async Task<List<(string LeadId, string IntegrationId)>> OneAsync(Guid leadId, string integrationId)
        {
            await api.PostAdminAsync($"v1/admin/deliveries/{leadId}/{Uri.EscapeDataString(integrationId)}/replay", ct);
            await output.LineAsync($"Replay of lead {leadId} to {integrationId} scheduled.");
            return [(leadId.ToString(), integrationId)];
        }

        public async Task<List<(string LeadId, string IntegrationId)>> AllAsync(DeliveryFilterOptions filter, ParseResult parse, int batch)
        {
            // Only what had failed when the replay began: a delivery failing again meanwhile is not replayed twice.
            var before = ("before", (string?)DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            var total = (await api.GetAdminAsync($"v1/admin/deliveries/failed?{filter.Query(parse, before, ("limit", "1"))}", ct))
                .GetProperty("total").GetInt32();
            await output.LineAsync($"Replaying {total} failed deliveries…");
            var replayed = await output.ProgressAsync("Scheduling replays", async progress =>
            {
                var scheduled = new List<(string, string)>();
                while (true)
                {
                    var answer = await api.PostAdminAsync(
                        $"v1/admin/deliveries/replay?{filter.Query(parse, before, ("limit", batch.ToString(CultureInfo.InvariantCulture)))}", ct);
                    if (answer.GetProperty("replayed").GetInt32() == 0)
                    {
                        return scheduled;
                    }
                    scheduled.AddRange(answer.GetProperty("deliveries").EnumerateArray()
                        .Select(d => (OpsCli.Text(d, "leadId"), OpsCli.Text(d, "integrationId"))));
                    var of = Math.Max(total, scheduled.Count);
                    await progress.ReportAsync(scheduled.Count, of, $"  scheduled {scheduled.Count}/{of}");
                }
            });
            await output.LineAsync($"Scheduled {replayed.Count} replays; the connectors deliver them on their next retry round.");
            return replayed;
        }

        /// <summary>Follows each replayed delivery in the ledger until it is delivered or failed again.</summary>
        public async Task<Settled> WaitAsync(List<(string LeadId, string IntegrationId)> replayed, TimeSpan timeout)
        {
            var deadline = DateTimeOffset.UtcNow + timeout;
            var pending = replayed.ToHashSet();
            int delivered = 0, failed = 0;
            await output.ProgressAsync("Waiting for the replays", async progress =>
            {
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
                    var settled = replayed.Count - pending.Count;
                    await progress.ReportAsync(settled, replayed.Count, $"  settled {settled}/{replayed.Count}: delivered {delivered}, failed again {failed}");
                }
                return 0;
            });
            await output.LineAsync($"Settled {replayed.Count - pending.Count}/{replayed.Count}: delivered {delivered}, failed again {failed}");
            if (pending.Count > 0)
            {
                await output.LineAsync($"{pending.Count} replays still in progress after {timeout}.");
            }
            return new Settled(delivered, failed, pending.Count);
        }
    }
}
