namespace LeadPlatform.Connectors;

/// <summary>The CRM refused the lead (validation, auth): retrying cannot help.</summary>
public sealed class CrmPermanentException(string message) : Exception(message);

/// <summary>The CRM could not take the lead now (throttled, down, slow); try again, not before <see cref="RetryAfter"/>.</summary>
public sealed class CrmTransientException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
