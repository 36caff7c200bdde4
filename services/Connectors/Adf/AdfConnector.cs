using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LeadPlatform.Mail;
using Microsoft.Extensions.Options;
using MimeKit;

namespace LeadPlatform.Connectors.Adf;

/// <summary>
/// Sends a lead to a dealer CRM as ADF 1.0 XML: a plain-text email to the dealer's lead address, or an HTTP
/// POST to the dealer CRM's endpoint, per integration. Neither can be looked up afterwards, so a resend after
/// a lost answer carries the same identity (Message-ID, <c>Idempotency-Key</c>, ADF prospect id) for the
/// dealer side to drop the duplicate; the ledger already makes a redelivered message a no-op.
/// </summary>
public sealed class AdfConnector(HttpClient http, TimeProvider clock, IOptions<ConnectorOptions> options) : ICrmConnector
{
    public const string Name = "adf";

    public async Task<CrmResult> DeliverAsync(DeliveryRequest request, CancellationToken ct)
    {
        var settings = request.Integration.SettingsAs<AdfSettings>();
        var xml = AdfDocument.Write(request.LeadId, request.Lead, settings, clock.GetUtcNow());
        if (AdfDtd.Validate(xml) is { Count: > 0 } problems)
        {
            // Only a bug here (or a setting) can produce this; the dealer would reject it just the same.
            throw new CrmPermanentException($"ADF document is not valid against the ADF 1.0 DTD: {problems[0]}");
        }
        return settings.Delivery.ToLowerInvariant() switch
        {
            AdfSettings.EmailDelivery => await EmailAsync(request, settings, xml, options.Value.RequestTimeout, ct),
            AdfSettings.HttpDelivery => await PostAsync(request, xml, ct),
            _ => throw new CrmConfigurationException($"integration {request.Integration.Id}: settings.delivery must be email or http"),
        };
    }

    private static async Task<CrmResult> EmailAsync(DeliveryRequest request, AdfSettings settings, string xml, TimeSpan timeout, CancellationToken ct)
    {
        var email = settings.Email;
        if (string.IsNullOrWhiteSpace(email.Host) || string.IsNullOrWhiteSpace(email.From) || email.To.Count == 0)
        {
            throw new CrmConfigurationException($"integration {request.Integration.Id}: settings.email needs host, from and to");
        }
        var message = new MimeMessage
        {
            MessageId = MessageId(request),
            Subject = email.Subject ?? $"ADF lead {request.LeadId}",
            Date = DateTimeOffset.UtcNow,
            Body = new TextPart("plain") { Text = xml },
        };
        message.From.Add(MailboxAddress.Parse(email.From));
        message.To.AddRange(email.To.Select(MailboxAddress.Parse));
        var smtp = new SmtpSettings
        {
            Host = email.Host,
            Port = email.Port,
            Tls = email.Tls,
            Username = request.Integration.Credential("smtpUsername"),
            Password = request.Integration.Credential("smtpPassword"),
            Timeout = timeout,
        };
        try
        {
            await SmtpMailer.SendAsync(message, smtp, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var reason = SmtpMailer.Describe(ex);
            throw SmtpMailer.IsTransient(ex) ? new CrmTransientException(reason, null, ex) : new CrmPermanentException(reason);
        }
        return new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["messageId"] = message.MessageId });
    }

    private async Task<CrmResult> PostAsync(DeliveryRequest request, string xml, CancellationToken ct)
    {
        var endpoint = request.Integration.Endpoint ?? throw new CrmConfigurationException($"integration {request.Integration.Id} has no endpoint");
        using var post = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
        post.Headers.Add("Idempotency-Key", $"{request.LeadId}:{request.Integration.Id}");
        if (request.Integration.Credential("apiKey") is { } apiKey)
        {
            post.Headers.Add("X-Api-Key", apiKey);
        }
        using var response = await http.SendAsync(post, ct);
        await response.EnsureCrmSuccessAsync("ADF endpoint", ct);
        var id = await RecordIdAsync(response, ct) ?? request.LeadId.ToString();
        return new CrmResult(CrmResult.Created, new Dictionary<string, string> { ["adf"] = id });
    }

    /// <summary>The dealer CRM's id for the lead when it says one: JSON <c>id</c>, else the Location header.</summary>
    private static async Task<string?> RecordIdAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true
            && await response.Content.ReadFromJsonAsync<JsonNode>(ct) is JsonObject body
            && body["id"] is JsonValue id)
        {
            return id.ToString();
        }
        return response.Headers.Location?.ToString();
    }

    /// <summary>Stable per (lead, integration), so a resend after a lost SMTP answer is recognisably the same message.</summary>
    public static string MessageId(DeliveryRequest request) =>
        $"{request.LeadId:N}.{new string(request.Integration.Id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '-').ToArray())}@leadplatform";
}
