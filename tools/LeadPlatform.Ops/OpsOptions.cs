using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LeadPlatform.Ops;

/// <summary>
/// The options every command shares (where the platform is, <c>--json</c>) and the filters of the delivery commands.
/// Values are checked while parsing, so a bad one is an error before anything is sent.
/// </summary>
public static class OpsOptions
{
    public static readonly Option<Uri> Api = Url("--api", "LPOPS_API", "http://127.0.0.1:5080", "Ingestion API");
    public static readonly Option<Uri> Disposition = Url("--disposition", "LPOPS_DISPOSITION", "http://127.0.0.1:5090", "Disposition service");

    public static readonly Option<string?> AdminKey = new("--admin-key")
    {
        Description = "X-Admin-Key (env LPOPS_ADMIN_KEY, else .run/admin-key from build/up.sh)",
        HelpName = "KEY",
        Recursive = true,
    };

    /// <summary>Resolved when used, not as the option's default: help would otherwise print the key.</summary>
    internal static string AdminKeyOrFallback(string? given) =>
        given ?? Environment.GetEnvironmentVariable("LPOPS_ADMIN_KEY") ?? MachineKey() ?? "dev-admin-key";

    /// <summary>The key build/up.sh generated for this machine (<c>.run/admin-key</c> under the current directory), if any.</summary>
    private static string? MachineKey() =>
        File.Exists(Path.Combine(".run", "admin-key")) ? File.ReadAllText(Path.Combine(".run", "admin-key")).Trim() : null;

    public static readonly Option<bool> Json = new("--json") { Description = "Print the answer as JSON instead of text", Recursive = true };

    public static Option<string?> Crm() => new("--crm") { Description = "Only this CRM (enquire, alis, salesforce, hubspot, adf)", HelpName = "CRM" };

    public static Option<string?> Integration() => new("--integration") { Description = "Only this integration id", HelpName = "ID" };

    /// <summary><c>--since</c>: ISO 8601 or a duration back from now (30m, 6h, 2d), sent as ISO 8601.</summary>
    public static Option<string?> Since() => new("--since")
    {
        Description = "Failed at or after T: ISO 8601 (2026-11-23T09:00:00Z) or a duration back from now (30m, 6h, 2d)",
        HelpName = "T",
        CustomParser = r => ParseSince(r, r.Tokens[0].Value, DateTimeOffset.UtcNow),
    };

    public static Option<int?> Count(string name, string description, int max) => WithRange(new Option<int?>(name) { Description = description, HelpName = "N" }, max);

    private static Option<int?> WithRange(Option<int?> option, int max)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && (n < 1 || n > max))
            {
                r.AddError($"{option.Name} must be a whole number from 1 to {max}.");
            }
        });
        return option;
    }

    /// <summary>A lead id argument: a GUID, or an error that says so (an unknown option landing here says that instead).</summary>
    public static Guid? LeadId(ArgumentResult result)
    {
        var raw = result.Tokens[0].Value;
        if (Guid.TryParse(raw, out var id))
        {
            return id;
        }
        result.AddError(raw.StartsWith('-') ? $"Unrecognized option '{raw}'." : $"leadId '{raw}' is not a GUID.");
        return null;
    }

    public static string? ParseSince(ArgumentResult result, string raw, DateTimeOffset now)
    {
        if (raw.Length > 1 && raw[^1] is 'm' or 'h' or 'd'
            && double.TryParse(raw[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            var back = raw[^1] switch { 'm' => TimeSpan.FromMinutes(amount), 'h' => TimeSpan.FromHours(amount), _ => TimeSpan.FromDays(amount) };
            return (now - back).ToString("O", CultureInfo.InvariantCulture);
        }
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        }
        result.AddError($"--since '{raw}' is neither an ISO 8601 time nor a duration like 30m, 6h or 2d.");
        return null;
    }

    private static Option<Uri> Url(string name, string environment, string fallback, string what) => new(name)
    {
        Description = $"{what} (env {environment})",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = r => ParseUrl(r, Environment.GetEnvironmentVariable(environment) ?? fallback, environment)!,
        CustomParser = r => ParseUrl(r, r.Tokens.Count > 0 ? r.Tokens[0].Value : fallback, name)!,
    };

    /// <summary>An absolute http(s) URL ending in '/', or an error naming where the bad value came from.</summary>
    private static Uri? ParseUrl(ArgumentResult result, string text, string from)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0)
        {
            return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        }
        result.AddError($"{from} '{text}' is not an absolute http(s) URL, e.g. http://127.0.0.1:5080");
        return null;
    }
}

/// <summary>Where the platform is, read from the parsed options.</summary>
public sealed record OpsSettings(Uri Api, string AdminKey, Uri Disposition)
{
    public static OpsSettings From(ParseResult parse) =>
        new(parse.GetRequiredValue(OpsOptions.Api), OpsOptions.AdminKeyOrFallback(parse.GetValue(OpsOptions.AdminKey)), parse.GetRequiredValue(OpsOptions.Disposition));
}
