using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Ingestion.Api;
using MassTransit;

namespace LeadPlatform.Ingestion.Intake;

/// <summary>
/// Answers a raw publisher whose message on <c>ingestion-submit-lead</c> never became a <see cref="SubmitLead"/> (not
/// JSON, or JSON of the wrong shape) at its <c>reply_to</c>: <see cref="LeadRefused"/> 400 naming the field, as HTTP's
/// problem would. Such a message fails before <see cref="SubmitLeadConsumer"/> sees it, hence a receive observer. It
/// still goes to the error queue: there is no lead to refuse, only bytes an operator may want to read.
/// </summary>
public sealed class UnreadableSubmitLeadReplies(ILogger<UnreadableSubmitLeadReplies> logger) : IReceiveObserver
{
    public const string Title = "The message is not a SubmitLead.";

    public Task ReceiveFault(ReceiveContext context, Exception exception) => AnswerAsync(context, exception);

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception) where T : class =>
        AnswerAsync(context.ReceiveContext, exception);

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostReceive(ReceiveContext context) => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType) where T : class => Task.CompletedTask;

    private async Task AnswerAsync(ReceiveContext context, Exception exception)
    {
        if (!context.InputAddress.AbsolutePath.EndsWith("/" + SubmitLeadConsumerDefinition.Queue, StringComparison.Ordinal)
            || Unreadable(exception) is not { } json || AmqpReply.ReplyTo(context) is not { } replyTo)
        {
            return;
        }
        var (field, message) = JsonErrors.Describe(json);
        var refused = new LeadRefused
        {
            Status = StatusCodes.Status400BadRequest, Title = Title, Problems = [new LeadProblem { Field = field, Message = message }],
        };
        try
        {
            await AmqpReply.SendAsync(context, replyTo, refused, context.CancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("An unreadable SubmitLead was not answered at its reply_to: {Error}", ex.GetType().Name);
        }
    }

    private static JsonException? Unreadable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is JsonException json)
            {
                return json;
            }
        }
        return null;
    }
}
