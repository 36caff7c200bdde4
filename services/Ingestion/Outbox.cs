using System.Diagnostics;
using System.Text.Json;
using Dapper;
using LeadPlatform.Integrations;
using Npgsql;

namespace LeadPlatform.Ingestion;

/// <summary>Writes a message into the outbox inside the caller's transaction; the caller wakes the relay after commit.</summary>
public static class Outbox
{
    private const string InsertSql = """
        insert into ingestion.outbox (message_id, message_type, payload, trace_parent)
        values (@messageId, @messageType, @message::jsonb, @traceParent);
        """;

    public static async Task AddAsync<T>(NpgsqlConnection connection, NpgsqlTransaction tx, T message, CancellationToken ct)
        where T : class =>
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            messageId = Guid.CreateVersion7(),
            messageType = typeof(T).Name,
            message = JsonSerializer.Serialize(message, JsonDefaults.Options),
            traceParent = Activity.Current?.Id,
        }, tx, cancellationToken: ct));
}
