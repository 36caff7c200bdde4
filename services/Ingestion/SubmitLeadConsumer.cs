using LeadPlatform.Contracts;
using MassTransit;

namespace LeadPlatform.Ingestion;

/// <summary>A lead refused on the broker path; the message goes to <c>ingestion-submit-lead_error</c> with this reason.</summary>
public sealed class LeadRejectedException(Rejection rejection) : Exception(rejection.ToString())
{
    public Rejection Rejection { get; } = rejection;
}

/// <summary>Broker intake: the same validation, account check and dedupe as <c>POST /v1/leads</c>.</summary>
public sealed class SubmitLeadConsumer(LeadSubmission submission, ILogger<SubmitLeadConsumer> logger) : IConsumer<SubmitLead>
{
    public async Task Consume(ConsumeContext<SubmitLead> context)
    {
        var message = context.Message;
        if (message.Lead is null)
        {
            throw new LeadRejectedException(Rejection.Field(StatusCodes.Status400BadRequest, "lead", "is required"));
        }
        // The broker's own credentials are the authentication here; no API key.
        var (accepted, rejected) = await submission.SubmitAsync(message.Lead, message.IdempotencyKey, caller: null, context.CancellationToken);
        if (rejected is not null)
        {
            throw new LeadRejectedException(rejected);
        }
        logger.LogInformation("Broker lead {LeadId} accepted (duplicate: {Duplicate})", accepted!.LeadId, accepted.Duplicate);
    }
}

/// <summary>
/// Queue <c>ingestion-submit-lead</c>: MassTransit envelopes and raw JSON (<c>application/json</c>, or no content
/// type) from non-.NET publishers. Refused leads and bodies that are not a SubmitLead go straight to the error queue;
/// database hiccups are retried.
/// </summary>
public sealed class SubmitLeadConsumerDefinition : ConsumerDefinition<SubmitLeadConsumer>
{
    public const string Queue = "ingestion-submit-lead";

    public SubmitLeadConsumerDefinition() => EndpointName = Queue;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitLeadConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.DefaultContentType = new System.Net.Mime.ContentType("application/json");
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.All);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(200, 1000, 3000);
            r.Ignore<LeadRejectedException>();
            // A body that is not a SubmitLead never becomes one: refused at once, not retried.
            r.Ignore<System.Text.Json.JsonException>();
        });
    }
}
