namespace LeadPlatform.Mail;

/// <summary>Where and how to hand a message to an SMTP server.</summary>
public sealed class SmtpSettings
{
    public string Host { get; set; } = "127.0.0.1";
    public int Port { get; set; } = 25;
    /// <summary><c>none</c> (plain), <c>starttls</c> (required), <c>ssl</c> (implicit TLS, port 465) or <c>auto</c> (STARTTLS when offered).</summary>
    public string Tls { get; set; } = "auto";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
