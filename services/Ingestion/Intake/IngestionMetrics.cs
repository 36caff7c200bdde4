using System.Diagnostics;
using System.Diagnostics.Metrics;
using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>Leads accepted and rejected at intake, by source (and reason), and the lead attributes on the request's span.</summary>
public static partial class IngestionMetrics
{
    public const string MalformedBody = "malformed_body";
    public const string Invalid = "invalid";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string Forbidden = "forbidden";

    /// <summary>The reason tag for a refusal answered with this HTTP status (for intake paths that carry a status).</summary>
    public static string ReasonFor(int status) => status switch
    {
        StatusCodes.Status409Conflict => IdempotencyConflict,
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType => MalformedBody,
        _ => Invalid,
    };

    private static readonly Counter<long> AcceptedCounter =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.leads.accepted", description: "Leads accepted at intake (duplicates tagged)");
    private static readonly Counter<long> RejectedCounter =
        LeadPlatformTelemetry.Meter.CreateCounter<long>("leadplatform.leads.rejected", description: "Leads refused at intake");

    /// <summary>The intake's answer: accepted, or (null) refused because its idempotency key came with another body.</summary>
    /// <param name="source">The bounded source label (<see cref="KnownSources"/>), never the body's text as it came.</param>
    public static void Intake(Lead lead, Acceptance? acceptance, string source)
    {
        if (acceptance is null)
        {
            RejectedCounter.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("reason", IdempotencyConflict),
                new KeyValuePair<string, object?>("field", null));
        }
        else
        {
            Accepted(lead, acceptance, source);
        }
    }

    public static void Accepted(Lead lead, Acceptance acceptance, string source)
    {
        AcceptedCounter.Add(1,
            new KeyValuePair<string, object?>("source", source),
            new KeyValuePair<string, object?>("duplicate", acceptance.Duplicate));
        // The request span is where a lead's trace starts: make it findable by its lead, source and account.
        var span = Activity.Current.IfRecorded();
        span?.SetTag(LeadTags.LeadId, acceptance.LeadId);
        span?.SetTag(LeadTags.Source, lead.Source);
        span?.SetTag(LeadTags.AccountId, lead.AccountId);
    }

    /// <summary>
    /// A refused lead. Its <c>source</c> tag is the authenticated caller's source, never the body's (a body can say
    /// anything, and every new value would be a new time series); <c>unknown</c> without a source key.
    /// </summary>
    /// <param name="field">The first offending field of an invalid lead (a JSON path, never its value); array indexes are dropped.</param>
    public static void Rejected(ApiCaller? caller, string reason, string? field = null) =>
        RejectedCounter.Add(1,
            new KeyValuePair<string, object?>("source", string.IsNullOrWhiteSpace(caller?.Source) ? "unknown" : caller.Source.Trim().ToLowerInvariant()),
            new KeyValuePair<string, object?>("reason", reason),
            new KeyValuePair<string, object?>("field", field is null ? null : Index().Replace(field, "[]")));

    [System.Text.RegularExpressions.GeneratedRegex(@"\[\d+\]")]
    private static partial System.Text.RegularExpressions.Regex Index();
}
