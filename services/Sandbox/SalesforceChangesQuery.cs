using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The SOQL a poller sends for what changed: <c>SELECT … FROM Lead|Contact|Task|Event WHERE SystemModstamp|LastModifiedDate
/// &gt;|&gt;= dateTime [AND WhoId != null] ORDER BY the same field [ASC]</c>, answered in Salesforce's shape and paged the
/// Salesforce way: <c>done: false</c> and a <c>nextRecordsUrl</c> (<c>/services/data/vNN.N/query/01g…-n</c>) while
/// records remain. The batch size is Salesforce's default 2000, or what <c>Sforce-Query-Options: batchSize=n</c> asks
/// (the sandbox takes any n, so tests can page small sets). Each such query is kept as a <c>query</c> record.
/// <c>Contact.Email</c> on an Opportunity is answered the way Salesforce answers a relationship field: a nested
/// <c>Contact</c> object, from the contact its <c>ContactId</c> names.
/// </summary>
public static partial class SalesforceApi
{
    private static readonly ConcurrentDictionary<string, (List<JsonObject> Remaining, int BatchSize)> Locators = new();

    private static IResult? ChangesQuery(string soql, SandboxStore store, HttpContext http)
    {
        var match = ChangesPattern().Match(soql);
        if (!match.Success || !DateTimeOffset.TryParse(match.Groups["since"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since))
        {
            return null;
        }
        var kind = match.Groups["type"].Value.ToLowerInvariant();
        var inclusive = match.Groups["op"].Value == ">=";
        var fields = match.Groups["fields"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        store.Create(Crm, "query", "QRY", new JsonObject { ["sobject"] = match.Groups["type"].Value, ["since"] = since.ToString("O", CultureInfo.InvariantCulture) });
        var records = store.All(Crm, kind)
            .Where(r => inclusive ? r.UpdatedAt >= since : r.UpdatedAt > since)
            .Where(r => !match.Groups["who"].Success || r.Fields["WhoId"] is not null)
            .OrderBy(r => r.UpdatedAt).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => WithContact(WithStamps(View(r, http, fields), r, fields), r, fields, store))
            .ToList();
        var options = http.Request.Headers["Sforce-Query-Options"].ToString();
        var batchSize = BatchSizePattern().Match(options) is { Success: true } b ? Math.Max(1, int.Parse(b.Groups[1].Value, CultureInfo.InvariantCulture)) : 2000;
        return Page(records, records.Count, batchSize, http);
    }

    private static IResult MoreRecords(string locator, HttpContext http) =>
        Locators.TryRemove(locator, out var rest)
            ? Page(rest.Remaining, rest.Remaining.Count, rest.BatchSize, http)
            : Errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator");

    private static IResult Page(List<JsonObject> records, int total, int batchSize, HttpContext http)
    {
        var page = records.Take(batchSize).ToList();
        if (records.Count <= batchSize)
        {
            return Results.Ok(new { totalSize = total, done = true, records = page });
        }
        var locator = $"01gSANDBOX{Guid.NewGuid():N}"[..24] + "-" + batchSize.ToString(CultureInfo.InvariantCulture);
        Locators[locator] = (records.Skip(batchSize).ToList(), batchSize);
        var version = http.GetRouteValue("version");
        return Results.Ok(new { totalSize = total, done = false, nextRecordsUrl = $"/services/data/{version}/query/{locator}", records = page });
    }

    /// <summary>The audit fields Salesforce keeps on every record, from the sandbox's own clock.</summary>
    private static JsonObject WithStamps(JsonObject view, SandboxRecord record, string[] fields)
    {
        var stamp = record.UpdatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff+0000", CultureInfo.InvariantCulture);
        foreach (var name in new[] { "SystemModstamp", "LastModifiedDate" })
        {
            if (fields.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                view[name] = stamp;
            }
        }
        if (fields.Contains("CreatedDate", StringComparer.OrdinalIgnoreCase) && view["CreatedDate"] is null)
        {
            view["CreatedDate"] = record.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff+0000", CultureInfo.InvariantCulture);
        }
        return view;
    }

    private static JsonObject WithContact(JsonObject view, SandboxRecord record, string[] fields, SandboxStore store)
    {
        if (fields.Contains("Contact.Email", StringComparer.OrdinalIgnoreCase) && record.Fields["ContactId"] is JsonValue id
            && id.TryGetValue<string>(out var contactId) && store.Find(Crm, contactId) is { } contact)
        {
            view["Contact"] = new JsonObject
            {
                ["attributes"] = new JsonObject { ["type"] = "Contact" },
                ["Email"] = contact.Fields["Email"]?.DeepClone(),
            };
        }
        return view;
    }

    [GeneratedRegex(@"^\s*SELECT\s+(?<fields>[\w\s,.]+?)\s+FROM\s+(?<type>Lead|Contact|Task|Event|Opportunity)\s+WHERE\s+(?<stamp>SystemModstamp|LastModifiedDate)\s*(?<op>>=|>)\s*(?<since>[0-9T:.\-+Z]+)(?<who>\s+AND\s+WhoId\s*!=\s*null)?\s+ORDER\s+BY\s+\k<stamp>(?:\s+ASC)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex ChangesPattern();

    [GeneratedRegex(@"batchSize\s*=\s*(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex BatchSizePattern();
}
