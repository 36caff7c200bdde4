namespace LeadPlatform.Ops;

/// <summary><c>lpops failed [--crm] [--integration] [--since] [--limit]</c>.</summary>
public static class FailedCommand
{
    public static async Task<int> RunAsync(OpsApi api, CommandLine line, TextWriter output, CancellationToken ct)
    {
        var query = OpsCli.FilterQuery(line, DateTimeOffset.UtcNow, ("limit", line.Option("limit")));
        var failed = await api.GetAdminAsync($"v1/admin/deliveries/failed?{query}", ct);
        var rows = failed.GetProperty("deliveries").EnumerateArray().ToList();
        await output.WriteLineAsync($"{OpsCli.Text(failed, "total")} failed deliveries" + (rows.Count < failed.GetProperty("total").GetInt32() ? $" (showing {rows.Count})" : ""));
        foreach (var d in rows)
        {
            await output.WriteLineAsync($"  {OpsCli.Text(d, "finishedAt"),-28} {OpsCli.Text(d, "leadId")} {OpsCli.Text(d, "integrationId"),-24} " +
                $"{OpsCli.Text(d, "crm"),-12} attempts {OpsCli.Text(d, "attempts"),-3} {OpsCli.Text(d, "lastError")}");
        }
        return 0;
    }
}
