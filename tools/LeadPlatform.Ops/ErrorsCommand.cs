namespace LeadPlatform.Ops;

/// <summary><c>lpops errors</c> and <c>lpops errors drain &lt;queue&gt; [--limit N]</c>.</summary>
public static class ErrorsCommand
{
    public static async Task<int> RunAsync(OpsApi api, CommandLine line, TextWriter output, CancellationToken ct)
    {
        if (line.At(1) is "drain")
        {
            var queue = line.At(2) ?? throw new UsageException("errors drain needs a queue name, e.g. connector-enquire_error.");
            var limit = line.Option("limit") is { } l ? $"?limit={Uri.EscapeDataString(l)}" : "";
            var drained = await api.PostAdminAsync($"v1/admin/error-queues/{Uri.EscapeDataString(queue)}/drain{limit}", ct);
            await output.WriteLineAsync($"Moved {OpsCli.Text(drained, "moved")} messages from {queue} to {OpsCli.Text(drained, "sourceQueue")} " +
                $"({OpsCli.Text(drained, "left")} left)");
            return 0;
        }
        if (line.At(1) is { } other)
        {
            throw new UsageException($"Unknown errors sub-command '{other}'.");
        }
        var queues = (await api.GetAdminAsync("v1/admin/error-queues", ct)).EnumerateArray().ToList();
        if (queues.Count == 0)
        {
            await output.WriteLineAsync("No error queues.");
        }
        foreach (var q in queues)
        {
            await output.WriteLineAsync($"  {OpsCli.Text(q, "queue"),-48} {OpsCli.Text(q, "messages"),6} messages  → {OpsCli.Text(q, "sourceQueue")}");
        }
        return 0;
    }
}
