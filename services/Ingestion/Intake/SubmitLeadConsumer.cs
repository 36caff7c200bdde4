using LeadPlatform.Contracts;
using MassTransit;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>A lead refused on the broker path; the message goes to <c>ingestion-submit-lead_error</c> with this reason.</summary>
public sealed class LeadRejectedException(Rejection rejection) : Exception(rejection.ToString())
{
    public Rejection Rejection { get; } = rejection;
}

/// <summary>
/// Broker intake: the same authentication (the source's API key, here in the <c>X-Api-Key</c> message header), account
/// check, validation and dedupe as <c>POST /v1/leads</c>. Broker credentials alone authorize nothing. A publisher that
/// names a reply address (a MassTransit request client's response address, or the AMQP <c>reply_to</c> of a raw
/// publisher, see <see cref="AmqpReply"/>) is answered <see cref="LeadAccepted"/> or <see cref="LeadRefused"/>; a
/// refused lead it was told about is not dead-lettered as well. Without a reply address a refused lead goes to the
/// error queue with its reason.
/// </summary>
public sealed class SubmitLeadConsumer(LeadSubmission submission, SourceKeys keys, ILogger<SubmitLeadConsumer> logger) : IConsumer<SubmitLead>
{
    public async Task Consume(ConsumeContext<SubmitLead> context)
    {
        var message = context.Message;
        if (message.Lead is null)
        {
            await RefuseAsync(context, Rejection.Field(StatusCodes.Status400BadRequest, "lead", "is required"));
            return;
        }
        var caller = await keys.AuthenticateAsync(ApiKeyOf(context), context.CancellationToken);
        if (caller is null)
        {
            await RefuseAsync(context, Rejection.Field(StatusCodes.Status401Unauthorized, SourceKeys.Header,
                "A valid X-Api-Key message header is required"));
            return;
        }
        var (accepted, rejected) = await submission.SubmitAsync(message.Lead, message.IdempotencyKey, caller, context.CancellationToken);
        if (rejected is not null)
        {
            await RefuseAsync(context, rejected);
            return;
        }
        // Debug, as the connector's line per delivered lead (docs/benchmark.md): the lead row and the LeadAccepted below record it.
        logger.LogDebug("Broker lead {LeadId} accepted (duplicate: {Duplicate})", accepted!.LeadId, accepted.Duplicate);
        var answer = new LeadAccepted
        {
            LeadId = accepted.LeadId, Source = message.Lead.Source.ToLowerInvariant(), SourceLeadId = message.Lead.SourceLeadId,
            Duplicate = accepted.Duplicate,
        };
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(answer);
        }
        else if (AmqpReply.ReplyTo(context) is { } replyTo)
        {
            await AmqpReply.SendAsync(context, replyTo, answer);
        }
    }

    private static async Task RefuseAsync(ConsumeContext<SubmitLead> context, Rejection rejection)
    {
        var refused = Refused(context.Message.Lead, rejection);
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(refused);
        }
        else if (AmqpReply.ReplyTo(context) is { } replyTo)
        {
            await AmqpReply.SendAsync(context, replyTo, refused);
        }
        else
        {
            throw new LeadRejectedException(rejection);
        }
    }

    /// <summary>The refusal as the publisher hears it: the fields in JSON terms with their messages, as HTTP's problem names them.</summary>
    public static LeadRefused Refused(Lead? lead, Rejection rejection) => new()
    {
        Source = lead?.Source,
        SourceLeadId = lead?.SourceLeadId,
        Status = rejection.Status,
        Title = rejection.Title,
        Problems = rejection.Errors.SelectMany(e => e.Value.Select(m => new LeadProblem { Field = e.Key, Message = m })).ToList(),
    };

    /// <summary>
    /// The key from the message headers: a MassTransit envelope's own headers, else the AMQP headers (raw JSON from
    /// non-.NET publishers). A string header; AMQP clients may hand it over as bytes.
    /// </summary>
    public static string? ApiKeyOf(ConsumeContext context) =>
        context.Headers.Get<string>(SourceKeys.Header)
        ?? context.ReceiveContext.TransportHeaders.Get<string>(SourceKeys.Header)
        ?? (context.ReceiveContext.TransportHeaders.TryGetHeader(SourceKeys.Header, out var raw) && raw is byte[] bytes
            ? System.Text.Encoding.UTF8.GetString(bytes) : null);
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
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
            r.Ignore<LeadRejectedException>();
            // A body that is not a SubmitLead never becomes one: refused at once, not retried.
            r.Ignore<System.Text.Json.JsonException>();
        });
    }
}
