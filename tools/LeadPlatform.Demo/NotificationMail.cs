using System.Net.Http.Json;
using System.Text.Json;

namespace LeadPlatform.Demo;

/// <summary>Reads the lead notification emails of the demo leads back from the sandbox's mail sink and prints them.</summary>
public static class NotificationMail
{
    public static async Task ShowAsync(HttpClient sandbox, IReadOnlyCollection<string> leadIds, int expected)
    {
        Console.WriteLine();
        Console.WriteLine("Lead notification emails (sandbox mail sink, http://127.0.0.1:5070/sandbox/mail)");
        // The notifier's Message-ID names the lead: notify.{leadId:N}.{integration}@leadplatform.
        var keys = leadIds.Select(id => $"notify.{Guid.Parse(id):N}.").ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonElement> mails;
        while (true)
        {
            var all = await sandbox.GetFromJsonAsync<List<JsonElement>>("sandbox/mail") ?? [];
            mails = all.Where(m => m.GetProperty("messageId").GetString() is { } id && keys.Any(k => id.StartsWith(k, StringComparison.Ordinal))).ToList();
            if (mails.Count >= expected || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(250);
        }
        if (mails.Count == 0)
        {
            Console.WriteLine("  none arrived within 30 s: see .run/logs/notifications.log");
        }
        foreach (var mail in mails)
        {
            var to = string.Join(", ", mail.GetProperty("to").EnumerateArray().Select(t => t.GetString()));
            Console.WriteLine($"  \"{mail.GetProperty("subject").GetString()}\" to {to}");
        }
    }
}
