namespace LeadPlatform.Connectors.Adf;

/// <summary>
/// An ADF integration's settings. Delivery is <c>email</c> (SMTP to the dealer's lead address; credentials
/// <c>smtpUsername</c>/<c>smtpPassword</c>) or <c>http</c> (POST to the integration's endpoint; optional
/// credential <c>apiKey</c> sent as <c>X-Api-Key</c>).
/// </summary>
public sealed class AdfSettings
{
    public const string EmailDelivery = "email";
    public const string HttpDelivery = "http";

    public string Delivery { get; set; } = EmailDelivery;
    public AdfEmailSettings Email { get; set; } = new();
    public AdfVendor Vendor { get; set; } = new();
    public AdfProvider Provider { get; set; } = new();
    /// <summary>ADF phone type of the lead's phone: <c>voice</c>, <c>cellphone</c>, <c>phone</c>, <c>fax</c>, <c>pager</c>.</summary>
    public string PhoneType { get; set; } = "voice";
}

public sealed class AdfEmailSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary><c>none</c>, <c>starttls</c>, <c>ssl</c> or <c>auto</c> (STARTTLS when the server offers it).</summary>
    public string Tls { get; set; } = "auto";
    public string? From { get; set; }
    /// <summary>The dealer's lead address(es).</summary>
    public List<string> To { get; set; } = [];
    public string? Subject { get; set; }
}

/// <summary>The dealer that receives the lead.</summary>
public sealed class AdfVendor
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Url { get; set; }
    public string? ContactName { get; set; }
    public string? Email { get; set; }
    public string? Phone { get; set; }
}

/// <summary>Us, the provider of the lead.</summary>
public sealed class AdfProvider
{
    public string Name { get; set; } = "LeadPlatform";
    /// <summary>Defaults to the lead's source.</summary>
    public string? Service { get; set; }
    public string? Url { get; set; }
    public string? Email { get; set; }
}
