using LeadPlatform.Contracts;
using LeadPlatform.Integrations;

namespace LeadPlatform.Connectors;

/// <summary>
/// The one thing a CRM connector writes: translate the canonical lead into the CRM's records and push
/// them. Routing, the ledger, idempotency, retries, telemetry and outcome events are the pipeline's.
/// Throw <see cref="CrmPermanentException"/> for what retrying cannot fix and
/// <see cref="CrmTransientException"/> (or let HTTP/timeout exceptions escape) for what it may.
/// </summary>
public interface ICrmConnector
{
    Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct);
}

/// <param name="MayAlreadyExist">An earlier attempt timed out or crashed after the CRM may have created the
/// record: look it up before creating.</param>
public sealed record DeliveryRequest(Guid LeadId, Lead Lead, Integration Integration, int Attempt, bool MayAlreadyExist);

public sealed record CrmResult(string Outcome, IReadOnlyDictionary<string, string> RecordIds)
{
    public const string Created = "created";
    public const string Updated = "updated";
}
