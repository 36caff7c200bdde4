using System.Text.RegularExpressions;

namespace LeadPlatform.Integrations.DealerProviders;

/// <summary>What a provider entry must hold, each error keyed by its field (<c>statuses.Sold Out</c>, <c>feed.itemsPath</c>).</summary>
public static partial class DealerProviderValidator
{
    public static readonly IReadOnlyList<string> CommonStatuses = ["Pending", "Viewed", "Assigned", "Working", "Sold", "Lost", "Abandoned"];
    public static readonly IReadOnlyList<string> CommonActivities = ["PhoneCall", "Sms", "Email", "Appointment", "Quote", "Note"];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$")]
    private static partial Regex PathPattern();

    public static Dictionary<string, string[]> Validate(DealerProvider provider)
    {
        var errors = new Dictionary<string, string[]>();
        if (!IdPattern().IsMatch(provider.Id))
        {
            errors["id"] = ["must be 1-40 lower-case letters, digits or dashes"];
        }
        if (string.IsNullOrWhiteSpace(provider.Name))
        {
            errors["name"] = ["is required"];
        }
        if (!DealerLeadDelivery.All.Contains(provider.LeadDelivery))
        {
            errors["leadDelivery"] = [$"must be one of {string.Join(", ", DealerLeadDelivery.All)}"];
        }
        Vocabulary(errors, "statuses", provider.Statuses, CommonStatuses);
        Vocabulary(errors, "activities", provider.Activities, CommonActivities);
        if (provider.Feed is { } feed)
        {
            Feed(errors, feed);
        }
        return errors;
    }

    private static void Vocabulary(Dictionary<string, string[]> errors, string field, IReadOnlyDictionary<string, string>? map, IReadOnlyList<string> common)
    {
        foreach (var (raw, value) in map ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                errors.TryAdd(field, ["raw values must not be empty"]);
            }
            else if (!common.Contains(value, StringComparer.Ordinal))
            {
                errors.TryAdd($"{field}.{raw}", [$"must be one of {string.Join(", ", common)}"]);
            }
        }
    }

    private static void Feed(Dictionary<string, string[]> errors, DealerFeed feed)
    {
        if (!feed.UrlTemplate.StartsWith("{endpoint}", StringComparison.Ordinal)
            && !(Uri.TryCreate(feed.UrlTemplate, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            errors["feed.urlTemplate"] = ["must start with {endpoint} or be an absolute http(s) URL"];
        }
        if (feed.AuthHeader is { } header && (header.Length == 0 || !header.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors["feed.authHeader"] = ["must be a header name"];
        }
        if (string.IsNullOrWhiteSpace(feed.CursorParam) || !feed.CursorParam.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            errors["feed.cursorParam"] = ["must be a query parameter name"];
        }
        var paths = new (string Field, string? Path, bool Required)[]
        {
            ("cursorPath", feed.CursorPath, true), ("itemsPath", feed.ItemsPath, true), ("idPath", feed.IdPath, true),
            ("timePath", feed.TimePath, true), ("activityTypePath", feed.ActivityTypePath, true),
            ("leadIdPath", feed.LeadIdPath, false), ("adfProspectIdPath", feed.AdfProspectIdPath, false),
            ("crmRecordIdPath", feed.CrmRecordIdPath, false), ("emailPath", feed.EmailPath, false),
            ("statusPath", feed.StatusPath, false), ("activitiesPath", feed.ActivitiesPath, false),
            ("activityTimePath", feed.ActivityTimePath, false), ("activityDetailsPath", feed.ActivityDetailsPath, false),
        };
        foreach (var (field, path, required) in paths)
        {
            if (path is null ? required : !PathPattern().IsMatch(path))
            {
                errors[$"feed.{field}"] = ["must be a dot-separated path of property names"];
            }
        }
        if (feed.LeadIdPath is null && feed.AdfProspectIdPath is null && feed.CrmRecordIdPath is null && feed.EmailPath is null)
        {
            errors.TryAdd("feed.crmRecordIdPath", ["name the lead: set leadIdPath, adfProspectIdPath, crmRecordIdPath or emailPath"]);
        }
        if (feed.StatusPath is null && feed.ActivitiesPath is null)
        {
            errors.TryAdd("feed.statusPath", ["set statusPath, activitiesPath or both"]);
        }
    }
}
