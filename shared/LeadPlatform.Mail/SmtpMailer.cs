using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace LeadPlatform.Mail;

/// <summary>Sends one message over a fresh SMTP connection (MailKit) and says whether a failure is worth retrying.</summary>
public static class SmtpMailer
{
    public static async Task SendAsync(MimeMessage message, SmtpSettings settings, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        await client.ConnectAsync(settings.Host, settings.Port, TlsOption(settings.Tls), ct);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await client.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
        }
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    /// <summary>
    /// 4xx replies, dropped or refused connections and time-outs may pass; 5xx replies and refused
    /// credentials will not.
    /// </summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        SmtpCommandException command => (int)command.StatusCode is >= 400 and < 500,
        AuthenticationException => false,
        SmtpProtocolException or ServiceNotConnectedException or SocketException or IOException or TimeoutException => true,
        OperationCanceledException => true,
        _ => false,
    };

    /// <summary>The failure in words: SMTP codes and server text, never the message's content.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException command => $"SMTP server answered {(int)command.StatusCode} to {command.ErrorCode}: {command.Message}",
        AuthenticationException => "SMTP server refused the credentials",
        SocketException socket => $"could not reach the SMTP server: {socket.SocketErrorCode}",
        OperationCanceledException or TimeoutException => "the SMTP server did not answer in time",
        _ => $"SMTP failure: {ex.Message}",
    };

    public static SecureSocketOptions TlsOption(string? tls) => (tls ?? "auto").ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
