using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.Mail;
using MassTransit;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeadPlatform.Notifications;

/// <summary>
/// Emails the integration's notification recipients when a lead was delivered through it: once per
/// (lead, integration). Logs ids and counts only; the email itself carries the lead unmasked.
/// </summary>
public sealed class LeadDeliveredNotifier(
    IntegrationStore integrations,
    NotificationLog log,
    NotificationDeliveries deliveries,
    IOptions<NotificationOptions> options,
    ILogger<LeadDeliveredNotifier> logger) : IConsumer<LeadDelivered>
{
    public async Task Consume(ConsumeContext<LeadDelivered> context)
    {
        var delivered = context.Message;
        var ct = context.CancellationToken;
        var integration = await integrations.FindAsync(delivered.IntegrationId, ct);
        var recipients = integration?.SettingsAs<NotificationSettings>().NotificationRecipients
            .Where(r => MailboxAddress.TryParse(r, out _)).ToList() ?? [];
        if (recipients.Count == 0)
        {
            return;
        }
        // Held until the email is recorded as sent: a duplicate LeadDelivered on another instance waits, then finds it sent.
        await using var claim = await log.ClaimAsync(delivered.LeadId, delivered.IntegrationId, ct);
        if (claim.AlreadySent)
        {
            return;
        }
        // LeadConverted reaches this service on its own queue: retried until it has been consumed.
        var lead = await log.FindConvertedLeadAsync(delivered.LeadId, ct)
            ?? throw new InvalidOperationException($"lead {delivered.LeadId} has not been received as LeadConverted yet");

        var message = LeadNotificationEmail.Create(lead, delivered);
        message.From.Add(MailboxAddress.Parse(options.Value.From));
        message.To.AddRange(recipients.Select(MailboxAddress.Parse));
        // Sent, then recorded: a crash in between resends with the same Message-ID, which mail clients collapse.
        try
        {
            await SmtpMailer.SendAsync(message, options.Value.Smtp, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Visible like a delivery: retrying with the SMTP server's answer, or failed when it refused for good
            // (not retried) or the retries ran out (the message then waits in the error queue for replay).
            var final = !SmtpMailer.IsTransient(ex) || context.GetRetryAttempt() >= LeadDeliveredNotifierDefinition.Retries;
            await deliveries.RecordAsync(delivered.LeadId, delivered.IntegrationId,
                final ? NotificationDeliveries.Failed : NotificationDeliveries.Retrying, recipients.Count, SmtpMailer.Describe(ex), ct);
            logger.LogWarning("Lead notification for lead {LeadId} via {IntegrationId} not sent: {Reason}",
                delivered.LeadId, delivered.IntegrationId, SmtpMailer.Describe(ex));
            if (SmtpMailer.IsTransient(ex))
            {
                throw;
            }
            return;
        }
        await claim.RecordSentAsync(recipients.Count, message.MessageId ?? "", ct);
        await deliveries.RecordAsync(delivered.LeadId, delivered.IntegrationId, NotificationDeliveries.Sent, recipients.Count, null, ct);
        logger.LogInformation("Lead notification for lead {LeadId} via {IntegrationId} sent to {Recipients} recipient(s)",
            delivered.LeadId, delivered.IntegrationId, recipients.Count);
    }
}

public sealed class LeadDeliveredNotifierDefinition : ConsumerDefinition<LeadDeliveredNotifier>
{
    /// <summary>Retries after the first attempt; the last one failing leaves the message in the error queue.</summary>
    public const int Retries = 5;

    public const string Queue = "notifications-lead-delivered";

    public LeadDeliveredNotifierDefinition() => EndpointName = Queue;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadDeliveredNotifier> consumerConfigurator, IRegistrationContext context)
    {
        // An SMTP server down for a while: retry over a few minutes, then the message waits in the error queue for replay.
        consumerConfigurator.UseMessageRetry(r => r.Intervals(
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(3)));
    }
}
