using LeadPlatform.Contracts;
using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>Why a lead was refused, with the offending fields; nothing was stored.</summary>
public sealed record Rejection(int Status, string Title, IReadOnlyDictionary<string, string[]> Errors)
{
    public static Rejection Field(int status, string field, string message) =>
        new(status, message, new Dictionary<string, string[]> { [field] = [message] });

    public IResult ToResult() => Status == StatusCodes.Status400BadRequest
        ? Problems.Validation(Errors.ToDictionary(), Title)
        : Results.Problem(title: Title, statusCode: Status, extensions: new Dictionary<string, object?> { ["errors"] = Errors });

    public override string ToString() => $"{Status} {Title}: {string.Join("; ", Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}";
}

/// <summary>The gate every intake path (HTTP JSON, ADF, broker) goes through: validate, authorize, check the account, accept.</summary>
public sealed class LeadSubmission(LeadIntake intake, ProgramRules programRules, KnownSources knownSources)
{
    /// <summary>Everything that can refuse the lead, without storing anything.</summary>
    public async Task<Rejection?> CheckAsync(Lead lead, ApiCaller? caller, CancellationToken ct, string prefix = "")
    {
        var errors = LeadValidator.Validate(lead);
        if (errors.Count > 0)
        {
            return new Rejection(StatusCodes.Status400BadRequest, "The lead is not valid.", Prefixed(errors, prefix));
        }
        if (caller is not null && !string.Equals(caller.Source, lead.Source, StringComparison.OrdinalIgnoreCase))
        {
            return Rejection.Field(StatusCodes.Status403Forbidden, prefix + "source", $"This API key submits for source '{caller.Source}' only");
        }
        if (caller is not null && !caller.MaySubmitTo(lead.AccountId))
        {
            return Rejection.Field(StatusCodes.Status403Forbidden, prefix + "accountId", "This API key may not submit leads to this account");
        }
        if (!await programRules.IsKnownAccountAsync(lead.AccountId, ct))
        {
            return Rejection.Field(StatusCodes.Status400BadRequest, prefix + "accountId", "is not a known account");
        }
        return null;
    }

    public async Task<(Acceptance? Accepted, Rejection? Rejected)> SubmitAsync(Lead lead, string? idempotencyKey, ApiCaller? caller, CancellationToken ct)
    {
        if (await CheckAsync(lead, caller, ct) is { } rejection)
        {
            IngestionMetrics.Rejected(caller, IngestionMetrics.ReasonFor(rejection.Status), rejection.Errors.Keys.FirstOrDefault());
            return (null, rejection);
        }
        return await AcceptCheckedAsync(lead, idempotencyKey, caller, ct);
    }

    /// <param name="caller">The source key that submitted it; null for an operator's admin key (its body's source may be any).</param>
    public async Task<(Acceptance? Accepted, Rejection? Rejected)> AcceptCheckedAsync(Lead lead, string? idempotencyKey, ApiCaller? caller,
        CancellationToken ct)
    {
        if (IdempotencyKeyProblem(idempotencyKey) is { } keyProblem)
        {
            return (null, Rejection.Field(StatusCodes.Status400BadRequest, "Idempotency-Key", keyProblem));
        }
        // One source whatever its letter case: "Roobrik" resubmitted as "roobrik" is the same lead with the same body.
        lead = lead with { Source = lead.Source.ToLowerInvariant() };
        var accepted = await intake.AcceptAsync(lead, idempotencyKey, ct);
        // The counter's source label: the key's source, else a known source or "other", never the body's text as it came.
        IngestionMetrics.Intake(lead, accepted, caller is not null ? KnownSources.LabelOf(caller) : await knownSources.LabelAsync(lead.Source, ct));
        return accepted is null
            ? (null, Rejection.Field(StatusCodes.Status409Conflict, "Idempotency-Key", "This Idempotency-Key was used with a different body"))
            : (accepted, null);
    }

    /// <summary>The key is stored and indexed beside the source: bounded, and text PostgreSQL can hold.</summary>
    public static string? IdempotencyKeyProblem(string? key) =>
        key is { Length: > MaxIdempotencyKey } ? $"is longer than {MaxIdempotencyKey} characters" : LeadText.Problem(key, identifier: true);

    private const int MaxIdempotencyKey = 200;

    private static Dictionary<string, string[]> Prefixed(Dictionary<string, string[]> errors, string prefix) =>
        prefix.Length == 0 ? errors : errors.ToDictionary(e => prefix + e.Key, e => e.Value);
}
