using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry.Trace;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// Keeps personal data out of spans. Connectors look people up by email or phone in query strings
/// (Enquire's <c>individuals?email=…</c>), so every URL keeps its query parameter names but loses their values;
/// and any email address left in a tag value or a status description is masked as a last line of defence.
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

    /// <summary>Masks email addresses; text without an '@' (nearly every tag) is returned as it is, without the regex.</summary>
    public static string MaskEmails(string text) => text.Contains('@', StringComparison.Ordinal) ? Email().Replace(text, Mask) : text;

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex Email();

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
                var clean = tag.Key is "url.full" or "url.query" or "http.url" or "http.target"
                    ? MaskEmails(WithoutQueryValues(text))
                    : MaskEmails(text);
                if (!ReferenceEquals(clean, text) && clean != text)
                {
                    (changes ??= []).Add((tag.Key, clean));
                }
            }
            foreach (var (key, clean) in changes ?? [])
            {
                data.SetTag(key, clean);
            }
            if (data.StatusDescription is { } description && MaskEmails(description) is var masked && masked != description)
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
