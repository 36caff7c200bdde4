using MimeKit;
using SmtpServer.Protocol;

namespace LeadPlatform.Sandbox;

/// <summary>
/// The dealer CRMs' ADF-by-email intake, behind the sandbox's mail sink: mail to <c>{dealer}@{provider}.dealers.localhost</c>
/// (an ADF integration's <c>settings.email.to</c>) is that provider's dealer CRM receiving a lead, handled exactly as
/// <c>POST /dealer/{provider}</c> handles one (<see cref="DealerCrm.Receive"/>). The ADF is the plain-text body (text
/// around the document, a greeting or a signature, is ignored) or an XML attachment.
/// </summary>
public static class DealerMailIntake
{
    public const string Domain = "dealers.localhost";

    /// <summary>The provider whose intake <paramref name="address"/> is, or null when it is no dealer CRM's.</summary>
    public static string? ProviderOf(string address)
    {
        var at = address.LastIndexOf('@');
        var host = at < 0 ? "" : address[(at + 1)..].ToLowerInvariant();
        return host.EndsWith("." + Domain, StringComparison.Ordinal) && host.Length > Domain.Length + 1
            ? host[..^(Domain.Length + 1)]
            : null;
    }

    /// <summary>
    /// Hands the message to every dealer CRM it is addressed to. Null when it was taken (or is for nobody here); else
    /// the SMTP refusal: an unknown provider (550 5.1.1) or a body that is no ADF document (554 5.6.0), in which case no
    /// dealer CRM kept anything.
    /// </summary>
    public static SmtpResponse? Deliver(SandboxStore store, IEnumerable<string> recipients, MimeMessage message)
    {
        var addresses = recipients.Where(r => ProviderOf(r) is not null).ToList();
        if (addresses.Count == 0)
        {
            return null;
        }
        if (addresses.FirstOrDefault(a => !DealerCrm.IsKnown(ProviderOf(a)!)) is { } unknown)
        {
            return new SmtpResponse(SmtpReplyCode.MailboxUnavailable, $"5.1.1 No dealer CRM provider at {unknown}");
        }
        var xml = AdfOf(message);
        foreach (var provider in addresses.Select(a => ProviderOf(a)!).Distinct())
        {
            // The same document for every provider: refused by the first one, before any record was kept.
            if (DealerCrm.Receive(store, provider, xml, "email", message.MessageId).Refusal is { } refusal)
            {
                return new SmtpResponse(SmtpReplyCode.TransactionFailed, $"5.6.0 {refusal}");
            }
        }
        return null;
    }

    /// <summary>The <c>&lt;adf&gt;</c> element of an XML attachment, else of the text body (the whole text when it has none).</summary>
    private static string AdfOf(MimeMessage message)
    {
        var text = message.TextBody ?? "";
        if (message.BodyParts.OfType<MimePart>().FirstOrDefault(p => p.ContentType.MimeType is "application/xml" or "text/xml") is { } attached)
        {
            using var content = new MemoryStream();
            attached.Content?.DecodeTo(content);
            text = System.Text.Encoding.UTF8.GetString(content.ToArray());
        }
        var start = text.IndexOf("<adf", StringComparison.Ordinal);
        var end = text.LastIndexOf("</adf>", StringComparison.Ordinal);
        return start >= 0 && end > start ? text[start..(end + "</adf>".Length)] : text;
    }
}
