using Dapper;
using LeadPlatform.Contracts;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Notifications;

/// <summary>
/// Notifications' part of an erasure (store <c>notifications</c>, queue <c>notifications-erasure</c>): the sent records
/// and delivery states of the leads and this service's own copy of them.
/// </summary>
public sealed class NotificationErasureConsumer(NpgsqlDataSource dataSource) : IConsumer<EraseLeadData>
{
    public const string Store = "notifications";

    public async Task Consume(ConsumeContext<EraseLeadData> context)
    {
        if (context.Message.Store != Store)
        {
            return;
        }
        var leadIds = new { leadIds = context.Message.LeadIds.ToArray() };
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        // Tombstones first: a LeadConverted of these leads still in flight is not kept again (NotificationLog).
        await connection.ExecuteAsync(new CommandDefinition("insert into notifications.erased_lead (lead_id) select unnest(@leadIds) on conflict do nothing",
            leadIds, transaction, cancellationToken: context.CancellationToken));
        var sent = await connection.ExecuteAsync(new CommandDefinition("delete from notifications.sent where lead_id = any(@leadIds)",
            leadIds, transaction, cancellationToken: context.CancellationToken));
        var states = await connection.ExecuteAsync(new CommandDefinition("delete from notifications.delivery where lead_id = any(@leadIds)",
            leadIds, transaction, cancellationToken: context.CancellationToken));
        var leads = await connection.ExecuteAsync(new CommandDefinition("delete from notifications.lead where lead_id = any(@leadIds)",
            leadIds, transaction, cancellationToken: context.CancellationToken));
        await transaction.CommitAsync(context.CancellationToken);
        await context.RespondAsync(new LeadDataErased
        {
            ErasureId = context.Message.ErasureId,
            Store = Store,
            Erased = new Dictionary<string, int> { ["notifications.sent"] = sent, ["notifications.lead"] = leads, ["notifications.delivery"] = states },
        });
    }
}
