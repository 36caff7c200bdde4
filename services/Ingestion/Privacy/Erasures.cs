using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using MassTransit;
using Microsoft.Extensions.Options;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary><c>Erasure</c> settings: the stores whose owners must answer, and how long to wait for them.</summary>
public sealed class ErasureOptions
{
    public List<string> Stores { get; set; } = ["delivery", "disposition", "notifications"];
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>What one erasure did: rows per store and table, the stores that did not answer, the CRM records left.</summary>
public sealed record ErasureOutcome(
    Guid ErasureId, int Leads, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Stores,
    IReadOnlyList<string> Unanswered, IReadOnlyList<CrmRecordRef> CrmRecords)
{
    public bool Complete => Unanswered.Count == 0;
}

/// <summary>
/// Erases a person everywhere the platform keeps them, each table by its owner: ingestion finds the leads (its lead
/// table is where every lead enters), asks each other owner over the broker (<see cref="EraseLeadData"/>, one request
/// per store, answered by that store's owner), clears the error queues and the live queues, and erases its own tables last, only once
/// every owner answered: its lead rows are how a repeated erasure finds the leads again.
/// </summary>
public sealed class Erasures(
    IngestionErasure ingestion, QueueErasure queues, ErasureLog log, IClientFactory clients, IntegrationStore integrations,
    IOptions<ErasureOptions> options, TimeProvider clock, ILogger<Erasures> logger)
{
    public async Task<ErasureOutcome> EraseAsync(ErasureSubject subject, string requestedBy, CancellationToken ct)
    {
        var erasureId = Guid.CreateVersion7();
        var requestedAt = clock.GetUtcNow();
        var found = await ingestion.FindAsync(subject, ct);

        var answers = new List<LeadDataErased>();
        var unanswered = new List<string>();
        if (found.LeadIds.Count > 0)
        {
            var asked = options.Value.Stores.Select(store => (Store: store, Answer: AskAsync(erasureId, store, found.LeadIds, ct))).ToList();
            foreach (var (store, answer) in asked)
            {
                if (await answer is { } erased)
                {
                    answers.Add(erased);
                }
                else
                {
                    unanswered.Add(store);
                }
            }
        }
        var stores = answers.ToDictionary(a => a.Store, a => a.Erased, StringComparer.Ordinal);
        stores[QueueErasure.ErrorQueuesStore] = await queues.EraseErrorQueuesAsync(found.Terms, ct);
        if (found.LeadIds.Count > 0 && unanswered.Count == 0)
        {
            var own = await ingestion.EraseAsync(erasureId, found.LeadIds, ct);
            answers.Add(own);
            stores[own.Store] = own.Erased;
        }
        // Last: the owners' tombstones now stop any copy the walk cannot reach (held by a consumer), and the outbox rows
        // are gone, so the relay publishes no new copy behind the walk.
        stores[QueueErasure.LiveQueuesStore] = await queues.EraseLiveQueuesAsync(found.Terms, ct);

        var outcome = new ErasureOutcome(erasureId, found.LeadIds.Count, stores, unanswered, await CrmRecordsAsync(answers, ct));
        await log.RecordAsync(outcome, requestedBy, subject.Kind, requestedAt, ct);
        logger.LogInformation("Erasure {ErasureId} by {RequestedBy}: {Leads} lead(s), {CrmRecords} CRM record(s) left, unanswered: {Unanswered}",
            erasureId, requestedBy, outcome.Leads, outcome.CrmRecords.Count, string.Join(",", unanswered));
        return outcome;
    }

    /// <summary>The owner's answer, or null when it did not answer within <see cref="ErasureOptions.Timeout"/>.</summary>
    private async Task<LeadDataErased?> AskAsync(Guid erasureId, string store, IReadOnlyList<Guid> leadIds, CancellationToken ct)
    {
        var client = clients.CreateRequestClient<EraseLeadData>(RequestTimeout.After(ms: (int)options.Value.Timeout.TotalMilliseconds));
        try
        {
            var response = await client.GetResponse<LeadDataErased>(new EraseLeadData { ErasureId = erasureId, Store = store, LeadIds = leadIds }, ct);
            return response.Message;
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("Erasure {ErasureId}: store {Store} did not answer within {Timeout}", erasureId, store, options.Value.Timeout);
            return null;
        }
    }

    /// <summary>Every store's CRM records, once each; the CRM filled in from the integration where a store did not know it.</summary>
    private async Task<IReadOnlyList<CrmRecordRef>> CrmRecordsAsync(IEnumerable<LeadDataErased> answers, CancellationToken ct)
    {
        var records = answers.SelectMany(a => a.CrmRecords)
            .GroupBy(r => (r.IntegrationId, r.RecordId))
            .Select(g => g.OrderByDescending(r => r.Crm.Length).First())
            .ToList();
        var result = new List<CrmRecordRef>();
        foreach (var record in records.OrderBy(r => r.IntegrationId, StringComparer.Ordinal).ThenBy(r => r.RecordId, StringComparer.Ordinal))
        {
            result.Add(record.Crm.Length > 0 ? record
                : record with { Crm = (await integrations.FindAsync(record.IntegrationId, ct))?.Crm ?? "" });
        }
        return result;
    }
}
