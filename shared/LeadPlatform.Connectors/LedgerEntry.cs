using LeadPlatform.Contracts;

namespace LeadPlatform.Connectors;

/// <summary>One row of the delivery ledger.</summary>
public sealed record LedgerEntry
{
    public Guid LeadId { get; init; }
    public string IntegrationId { get; init; } = "";
    public string Crm { get; init; } = "";
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public string? RecordIds { get; init; }
    public string? Outcome { get; init; }
    public string? LastError { get; init; }
    public bool MayExist { get; init; }
    public string Message { get; init; } = "";
    /// <summary>
    /// The message already in memory, when the claim that returned this entry inserted the row (so it is exactly
    /// <see cref="Message"/>); null when the message must be read from <see cref="Message"/>.
    /// </summary>
    public LeadConverted? Converted { get; init; }
    public string? TraceParent { get; init; }
    public DateTime? NextAttemptAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public bool OutcomePublished { get; init; }
    /// <summary>The current claim's token; finishing the delivery needs it.</summary>
    public Guid? LeaseToken { get; init; }
    /// <summary>For a failed delivery: the CRM refused it (true) or retries ran out (false).</summary>
    public bool Permanent { get; init; }
    /// <summary>The newest LeadUpdated version applied to the CRM record or carried in <see cref="Message"/>.</summary>
    public int UpdateVersion { get; init; }
    /// <summary>The daily batch this delivery was held for; null when delivered immediately.</summary>
    public DateTime? BatchedFor { get; init; }
}

public static class LedgerStates
{
    public const string Pending = "pending";
    public const string InProgress = "in_progress";
    public const string RetryScheduled = "retry_scheduled";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
