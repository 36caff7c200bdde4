using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace LeadPlatform.Ops;

/// <summary><c>lpops errors</c> and <c>lpops errors drain &lt;queue&gt; [--limit N] [--batch N]</c>.</summary>
public static class ErrorsCommand
{
    public static Command Create(OpsContext context)
    {
        var command = new Command("errors", "*_error queues and their depth; 'errors drain' moves one back") { Drain(context) };
        command.SetAction((parse, ct) => context.RunAsync(parse, (api, console) => ListAsync(api, console, ct)));
        return command;
    }

    private static Command Drain(OpsContext context)
    {
        var queue = new Argument<string>("queue") { Description = "The error queue, e.g. connector-enquire_error" };
        var limit = OpsOptions.Count("--limit", "Move at most N messages (default: all waiting when the drain starts)", int.MaxValue);
        var batch = OpsOptions.Count("--batch", "Messages moved per request (default 50)", 1000);
        var drain = new Command("drain", "Move an error queue's messages back to their source queue") { queue, limit, batch };
        drain.SetAction((parse, ct) => context.RunAsync(parse, (api, console) =>
            DrainAsync(api, console, parse.GetRequiredValue(queue), parse.GetValue(limit), parse.GetValue(batch) ?? 50, ct)));
        return drain;
    }

    private static async Task<int> ListAsync(OpsApi api, OpsConsole output, CancellationToken ct)
    {
        var answer = await api.GetAdminAsync("v1/admin/error-queues", ct);
        if (output.Json)
        {
            await output.WriteJsonAsync(answer);
            return 0;
        }
        var queues = answer.EnumerateArray().ToList();
        if (queues.Count == 0)
        {
            await output.LineAsync("No error queues.");
        }
        foreach (var q in queues)
        {
            await output.LineAsync($"  {OpsCli.Text(q, "queue"),-48} {OpsCli.Text(q, "messages"),6} messages  → {OpsCli.Text(q, "sourceQueue")}");
        }
        return 0;
    }

    /// <summary>
    /// Drains in batches so progress shows, stopping at the limit or when a batch moves fewer than it asked for (the
    /// API moves at most what waits when each batch starts, so a message failing again at once is not moved round and
    /// round within a batch). The depth shown comes from the management API and can lag a few seconds.
    /// </summary>
    private static async Task<int> DrainAsync(OpsApi api, OpsConsole output, string queue, int? limit, int batch, CancellationToken ct)
    {
        var waiting = (await api.GetAdminAsync("v1/admin/error-queues", ct)).EnumerateArray()
            .Where(q => OpsCli.Text(q, "queue") == queue)
            .Select(q => q.TryGetProperty("messages", out var m) && m.TryGetInt32(out var n) ? n : 0)
            .FirstOrDefault();
        var cap = limit ?? int.MaxValue;
        var path = $"v1/admin/error-queues/{Uri.EscapeDataString(queue)}/drain";
        var (moved, last) = await output.ProgressAsync($"Draining {queue}", async progress =>
        {
            var total = 0;
            JsonElement answer;
            int count, size;
            do
            {
                size = Math.Min(batch, cap - total);
                answer = await api.PostAdminAsync($"{path}?limit={size.ToString(CultureInfo.InvariantCulture)}", ct);
                count = answer.GetProperty("moved").GetInt32();
                total += count;
                var planned = Math.Min(cap, Math.Max(waiting, total));
                await progress.ReportAsync(total, planned, $"  moved {total}/{planned}");
            }
            while (count == size && total < cap);
            return (total, answer);
        });
        if (output.Json)
        {
            await output.WriteJsonAsync(new { queue, sourceQueue = OpsCli.Text(last, "sourceQueue"), moved, left = OpsCli.Text(last, "left") });
            return 0;
        }
        await output.LineAsync($"Moved {moved} messages from {queue} to {OpsCli.Text(last, "sourceQueue")} ({OpsCli.Text(last, "left")} left)");
        return 0;
    }
}
