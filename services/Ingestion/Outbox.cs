using System.Diagnostics;
using System.Text.Json;
using Dapper;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion;

/// <summary>Writes a message into the outbox inside the caller's transaction and wakes the relay at commit.</summary>
public static class Outbox
{
    public static async Task AddAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, T message, CancellationToken ct)
        where T : class
    {
        const string sql = """
            insert into ingestion.outbox (message_id, message_type, payload, trace_parent)
            values (@messageId, @messageType, @payload::jsonb, @traceParent);
            select pg_notify('ingestion_outbox', '');
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            messageId = Guid.CreateVersion7(),
            messageType = typeof(T).Name,
            payload = JsonSerializer.Serialize(message, JsonDefaults.Options),
            traceParent = Activity.Current?.Id,
        }, tx, cancellationToken: ct));
    }
}
