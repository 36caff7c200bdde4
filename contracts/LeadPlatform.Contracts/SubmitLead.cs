namespace LeadPlatform.Contracts;

/// <summary>
/// A lead submitted over the broker (queue <c>ingestion-submit-lead</c>), validated and deduplicated as
/// <c>POST /v1/leads</c> is. Accepted as a MassTransit envelope or as raw JSON
/// (<c>{"lead": {…}, "idempotencyKey": "…"}</c>, content type <c>application/json</c>).
/// </summary>
public sealed record SubmitLead
{
    public Lead Lead { get; init; } = new();
    /// <summary>Same meaning as the HTTP <c>Idempotency-Key</c> header.</summary>
    public string? IdempotencyKey { get; init; }
}
