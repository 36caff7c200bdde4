using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace LeadPlatform.Sandbox;

/// <summary>One message the mail sink accepted: the envelope, the parsed headers and the plain-text body.</summary>
public sealed record SunkMail(
    Guid Id, DateTimeOffset ReceivedAt, string From, IReadOnlyList<string> To, string? MessageId, string Subject, string Text);

/// <summary>What the mail sink received, newest last; bounded so a long-running demo does not grow without end.</summary>
public sealed class MailSinkStore
{
    private const int Capacity = 1000;
    private readonly ConcurrentQueue<SunkMail> _messages = new();

    public void Add(SunkMail mail)
    {
        _messages.Enqueue(mail);
        while (_messages.Count > Capacity && _messages.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<SunkMail> All => _messages.ToList();

    public void Clear() => _messages.Clear();
}

/// <summary>Where the sink listens: <c>Sandbox:Mail:Port</c> on 127.0.0.1; 0 (the default) leaves it off. build/up.sh sets 2525.</summary>
public sealed class MailSinkOptions
{
    public int Port { get; set; }
}

/// <summary>
/// A local SMTP sink (the SmtpServer library) so the lead notification email is seen on a machine without a mail
/// server. Mail to a dealer CRM's intake address is also handed to that dealer CRM (<see cref="DealerMailIntake"/>).
/// A <c>mail</c> fault in the <see cref="FaultInjector"/> makes it refuse messages: <c>down</c> or <c>429</c> answer
/// 451 (try later), any other mode 554 (refused for good).
/// </summary>
public sealed class MailSink(MailSinkStore store, SandboxStore records, FaultInjector faults, Microsoft.Extensions.Options.IOptions<MailSinkOptions> options,
    ILogger<MailSink> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Port <= 0)
        {
            return;
        }
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("sandbox.localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, options.Value.Port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(store, records, faults));
        var server = new SmtpServer.SmtpServer(serverOptions, services);
        logger.LogInformation("Mail sink listening on 127.0.0.1:{Port}", options.Value.Port);
        try
        {
            await server.StartAsync(stoppingToken);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            // Another sandbox holds the port: the CRM stand-ins still serve, only this sink is missing.
            logger.LogWarning("Mail sink could not listen on 127.0.0.1:{Port}: {Error}", options.Value.Port, ex.SocketErrorCode);
        }
    }

    private sealed class Store(MailSinkStore store, SandboxStore records, FaultInjector faults) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (faults.Next("mail") is { } fault)
            {
                return fault.Mode is "down" or "429"
                    ? new SmtpResponse(SmtpReplyCode.ServiceUnavailable, "4.3.0 Sandbox mail sink: try again later")
                    : new SmtpResponse(SmtpReplyCode.TransactionFailed, "5.7.1 Sandbox mail sink: message refused");
            }
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var to = transaction.To.Select(t => t.AsAddress()).ToList();
            if (DealerMailIntake.Deliver(records, to, message) is { } refusal)
            {
                return refusal;
            }
            store.Add(new SunkMail(
                Guid.NewGuid(), DateTimeOffset.UtcNow, transaction.From.AsAddress(),
                to, message.MessageId, message.Subject ?? "",
                message.TextBody ?? ""));
            return SmtpResponse.Ok;
        }
    }
}
