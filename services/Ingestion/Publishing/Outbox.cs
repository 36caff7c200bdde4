using System.Diagnostics;
using System.Text.Json;
using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion.Publishing;

/// <summary>
/// Writes a message into the outbox inside the caller's transaction. The caller hands the returned entry to
/// <see cref="OutboxHandoff"/> once it committed.
/// </summary>
public static class Outbox
{
    private const string InsertSql = """
        insert into ingestion.outbox (message_id, message_type, payload, trace_parent)
        values (@messageId, @messageType, @message::jsonb, @traceParent)
        """;

    public static async Task<OutboxEntry> AddAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, T message, CancellationToken ct)
        where T : class
    {
        var messageId = Guid.CreateVersion7();
        var traceParent = Activity.Current?.Id;
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            messageId,
            messageType = typeof(T).Name,
            message = JsonSerializer.Serialize(message, PlatformJson.Options),
            traceParent,
        }, tx, cancellationToken: ct));
        return new OutboxEntry(messageId, message, traceParent);
    }
}
