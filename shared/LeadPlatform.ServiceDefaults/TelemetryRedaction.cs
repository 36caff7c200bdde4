using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry.Trace;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Keeps personal data out of spans and exported logs. Connectors look people up by email or phone in query strings
/// (Enquire's <c>individuals?email=…</c>), so every URL keeps its query parameter names but loses their values;
/// and any email address (<c>%40</c>-encoded included) or phone number left in a URL path, a tag value, a status
/// description or a log message is masked as a last line of defence. Names have no pattern: they are kept out by
/// never being tagged or logged (spans carry ids only; see docs/observability.md).
/// </summary>
public static partial class TelemetryRedaction
{
    public const string Mask = "***";

    /// <summary>HttpClient spans: <c>url.full</c> without query values, set at the source.</summary>
    public static void ConfigureHttpClient(HttpClientTraceInstrumentationOptions options) =>
        options.EnrichWithHttpRequestMessage = (activity, request) =>
        {
            if (request.RequestUri is { } uri)
            {
                activity.SetTag("url.full", WithoutQueryValues(uri.ToString()));
            }
        };

    /// <summary>The processors that add lead attributes to child spans and mask what instrumentations let through.</summary>
    public static TracerProviderBuilder AddLeadPlatformSpanProcessors(this TracerProviderBuilder tracing) =>
        tracing.AddProcessor(new LeadAttributesProcessor()).AddProcessor(new RedactionProcessor());

    /// <summary><c>https://x/individuals?email=a@b.c&amp;phone=1</c> → <c>https://x/individuals?email=***&amp;phone=***</c>.</summary>
    public static string WithoutQueryValues(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return url;
        }
        var fragment = url.IndexOf('#', query);
        var parameters = url[(query + 1)..(fragment < 0 ? url.Length : fragment)]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)[0] + "=" + Mask);
        return url[..query] + "?" + string.Join('&', parameters);
    }

    /// <summary>Masks email addresses; text without an '@' or '%40' (nearly every tag) is returned as it is, without the regex.</summary>
    public static string MaskEmails(string text) =>
        text.Contains('@', StringComparison.Ordinal) || text.Contains("%40", StringComparison.Ordinal) ? Email().Replace(text, Mask) : text;

    /// <summary>
    /// Masks phone numbers: 7 to 15 digits with separators (<c>555-1234-5678</c>, <c>+1 (555) 123 4567</c>) or 10 to 15 in
    /// a row. Ids are left alone: a run touching letters, dots, dashes or colons (GUIDs, timestamps, versions) is no
    /// phone, nor is a date.
    /// </summary>
    public static string MaskPhones(string text)
    {
        return !MayHoldPhone(text) ? text : Phone().Replace(text, match =>
        {
            var count = match.Value.Count(char.IsAsciiDigit);
            var separated = match.Value.Any(c => !char.IsAsciiDigit(c));
            return count is >= 7 and <= 15 && (separated || count >= 10) && !IsoDate().IsMatch(match.Value) ? Mask : match.Value;
        });
    }

    /// <summary>
    /// Whether some run of characters a phone match is made of (digits, white space, <c>( ) . - +</c>) holds the 7
    /// digits a mask needs. Most tags (GUIDs, SQL, names of things) have none, and skip the regex.
    /// </summary>
    private static bool MayHoldPhone(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                if (++digits >= 7)
                {
                    return true;
                }
            }
            else if (!(char.IsDigit(c) || char.IsWhiteSpace(c) || c is '(' or ')' or '.' or '-' or '+'))
            {
                digits = 0;
            }
        }
        return false;
    }

    /// <summary>Emails and phones in free text; in a URL, in its percent-decoded form too (<c>%40</c>, <c>%20</c>, <c>%2B</c>).</summary>
    public static string MaskPersonalData(string text) => MaskPhones(MaskEmails(text));

    /// <summary>A URL without query values, its path masked like free text after decoding (the decoded form is kept only when something was masked).</summary>
    public static string MaskUrl(string url)
    {
        var clean = MaskPersonalData(WithoutQueryValues(url));
        if (!clean.Contains('%', StringComparison.Ordinal))
        {
            return clean;
        }
        var decoded = Uri.UnescapeDataString(clean);
        var masked = MaskPersonalData(decoded);
        return masked == decoded ? clean : masked;
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+(?:@|%40)[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.IgnoreCase)]
    private static partial Regex Email();

    [GeneratedRegex(@"(?<![\w.:\-])\+?\(?\d[\d\s().\-]{5,}\d(?![\w:\-])")]
    private static partial Regex Phone();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();

    /// <summary>Runs before the exporters: rewrites tags that could carry personal data.</summary>
    private sealed class RedactionProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            List<(string Key, string Clean)>? changes = null;
            foreach (var tag in data.TagObjects)
            {
                if (tag.Value is not string text)
                {
                    continue;
                }
                var clean = tag.Key is "url.full" or "url.query" or "url.path" or "http.url" or "http.target" or "http.route"
                    ? MaskUrl(text)
                    : MaskPersonalData(text);
                if (!ReferenceEquals(clean, text) && clean != text)
                {
                    (changes ??= []).Add((tag.Key, clean));
                }
            }
            foreach (var (key, clean) in changes ?? [])
            {
                data.SetTag(key, clean);
            }
            if (data.StatusDescription is { } description && MaskPersonalData(description) is var masked && masked != description)
            {
                data.SetStatus(data.Status, masked);
            }
        }
    }

    /// <summary>
    /// Child spans started inside a lead's span (the connector's CRM calls, MassTransit's publish, SQL) inherit its
    /// lead, source, account, integration and CRM attributes, so a search by lead id finds every step.
    /// </summary>
    private sealed class LeadAttributesProcessor : BaseProcessor<Activity>
    {
        public override void OnStart(Activity data)
        {
            if (data.Parent is not { } parent)
            {
                return;
            }
            foreach (var name in LeadTags.All)
            {
                if (data.GetTagItem(name) is null && parent.GetTagItem(name) is { } value)
                {
                    data.SetTag(name, value);
                }
            }
        }
    }
}
