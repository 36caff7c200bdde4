using System.Diagnostics.Metrics;

namespace LeadPlatform.ServiceDefaults;

/// <summary>
/// How many writes each commit of a named <see cref="GroupCommit{TItem, TResult}"/> carried. Batches of one mean a
/// commit (and its round trip and wake-ups) per write, as at low rates; the buckets are powers of two.
/// </summary>
public static class GroupCommitMetrics
{
    public const string InstrumentName = "leadplatform.group_commit.batch_size";
    public const string WriterTag = "writer";

    internal static readonly Histogram<int> BatchSize = LeadPlatformTelemetry.Meter.CreateHistogram(InstrumentName, unit: null,
        description: "Writes per commit of a group commit", tags: null,
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
}
