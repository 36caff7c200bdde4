using Dapper;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.Webhooks;
using MassTransit;
using Npgsql;

namespace LeadPlatform.Ingestion.ReadModel;

/// <summary>
/// Keeps each lead's delivery view (state, attempts, CRM record ids, last error) and current status, and writes a
/// delivery's outcome as webhook deliveries in the same transaction as its view (<see cref="OutcomeWebhookEvents"/>).
/// </summary>
public class DeliveryOutcomeConsumer(NpgsqlDataSource dataSource, DeliveredView deliveredView)
    : IConsumer<LeadDelivered>, IConsumer<LeadDeliveryFailed>, IConsumer<LeadStatusChanged>
{
    public Task Consume(ConsumeContext<LeadDelivered> context) => deliveredView.RecordAsync(context);

    public async Task Consume(ConsumeContext<LeadDeliveryFailed> context)
    {
        // Failures are rare: no batching.
        const string markFailedSql = """
            update ingestion.lead_delivery
               set state = 'failed', attempts = @Attempts, last_error = @Reason, failed_at = @FailedAt, updated_at = now()
             where lead_id = @LeadId and integration_id = @IntegrationId and state <> 'delivered'
            """;
        var m = context.Message;
        var args = new { m.LeadId, m.IntegrationId, m.Attempts, m.Reason, FailedAt = m.FailedAt.UtcDateTime };
        await ExecuteAsync(WebhookEventLog.Alongside(markFailedSql, args, [OutcomeWebhookEvents.DeliveryFailed(context)], context.CancellationToken));
    }

    public async Task Consume(ConsumeContext<LeadStatusChanged> context)
    {
        // Out-of-order events: only a later occurrence moves the status.
        const string sql = """
            update ingestion.lead set status = @Status, status_at = @OccurredAt
             where id = @LeadId and @Status is not null and (status_at is null or status_at <= @OccurredAt)
            """;
        var m = context.Message;
        await ExecuteAsync(new CommandDefinition(sql, new { m.LeadId, m.Status, m.OccurredAt }, cancellationToken: context.CancellationToken));
    }

    private async Task ExecuteAsync(CommandDefinition command)
    {
        await using var connection = await dataSource.OpenConnectionAsync(command.CancellationToken);
        await connection.ExecuteAsync(command);
    }
}
