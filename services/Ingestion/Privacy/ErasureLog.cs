using System.Text.Json;
using Dapper;
using Npgsql;

namespace LeadPlatform.Ingestion.Privacy;

/// <summary>
/// <c>ingestion.erasure_log</c>: who erased, when, and how many rows per store. Never what identified the person
/// (not even a hash), so the log itself needs no erasure.
/// </summary>
public sealed class ErasureLog(NpgsqlDataSource dataSource)
{
    public async Task RecordAsync(ErasureOutcome outcome, string requestedBy, string subjectKind, DateTimeOffset requestedAt, CancellationToken ct)
    {
        const string sql = """
            insert into ingestion.erasure_log (id, requested_by, subject_kind, leads, erased, crm_records, unanswered, requested_at)
            values (@ErasureId, @requestedBy, @subjectKind, @Leads, @erased::jsonb, @crmRecords, @Unanswered, @requestedAt)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            outcome.ErasureId,
            requestedBy,
            subjectKind,
            outcome.Leads,
            erased = JsonSerializer.Serialize(outcome.Stores),
            crmRecords = outcome.CrmRecords.Count,
            Unanswered = outcome.Unanswered.ToArray(),
            requestedAt = requestedAt.UtcDateTime,
        }, cancellationToken: ct));
    }
}
