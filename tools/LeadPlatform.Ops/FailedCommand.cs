using System.CommandLine;
using System.Globalization;

namespace LeadPlatform.Ops;

/// <summary><c>lpops failed [--crm] [--integration] [--since] [--limit]</c>.</summary>
public static class FailedCommand
{
    public static Command Create(OpsContext context)
    {
        var filter = new DeliveryFilterOptions();
        var limit = OpsOptions.Count("--limit", "Show at most N (default 100)", 1000);
        var command = new Command("failed", "Failed deliveries, oldest failure first");
        filter.AddTo(command);
        command.Add(limit);
        command.SetAction((parse, ct) => context.RunAsync(parse, (api, console) =>
            RunAsync(api, console, filter.Query(parse, ("limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture))), ct)));
        return command;
    }

    private static async Task<int> RunAsync(OpsApi api, OpsConsole output, string query, CancellationToken ct)
    {
        var failed = await api.GetAdminAsync($"v1/admin/deliveries/failed?{query}", ct);
        if (output.Json)
        {
            await output.WriteJsonAsync(failed);
            return 0;
        }
        var rows = failed.GetProperty("deliveries").EnumerateArray().ToList();
        await output.LineAsync($"{OpsCli.Text(failed, "total")} failed deliveries" + (rows.Count < failed.GetProperty("total").GetInt32() ? $" (showing {rows.Count})" : ""));
        foreach (var d in rows)
        {
            await output.LineAsync($"  {OpsCli.Text(d, "finishedAt"),-28} {OpsCli.Text(d, "leadId")} {OpsCli.Text(d, "integrationId"),-24} " +
                $"{OpsCli.Text(d, "crm"),-12} attempts {OpsCli.Text(d, "attempts"),-3} {OpsCli.Text(d, "lastError")}");
        }
        return 0;
    }
}
