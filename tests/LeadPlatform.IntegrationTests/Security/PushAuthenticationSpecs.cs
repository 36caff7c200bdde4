using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadPlatform.Disposition;
using LeadPlatform.Disposition.HubSpot;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Security;

/// <summary>
/// Every push endpoint (signed webhook, HubSpot webhook, Salesforce outbound message) authenticates through one step:
/// an unknown integration is answered exactly like a bad signature, and repeated failures are answered 429, per
/// integration, so a CRM's bad pushes for one integration do not block its pushes for another.
/// </summary>
[TestFixture, Category("Security")]
public class PushAuthenticationSpecs
{
    private const string WebhookSecret = "whsec-push-auth-0123456789abcdef-000";
    private IsolatedEnvironment _environment = null!;
    private InProcessService _disposition = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _environment = await IsolatedEnvironment.CreateAsync("pushauth");
        var config = _environment.ServiceConfiguration();
        config["Security:AuthFailures:PermitLimit"] = "3";
        config["Security:AuthFailures:Window"] = "00:05:00";
        _disposition = await InProcessService.StartAsync("disposition-pushauth", config,
            b => { b.AddServiceDefaults(); b.AddDisposition(); },
            a => { a.MapDefaultEndpoints(); a.MapDisposition(); });
        var store = _disposition.Services.GetRequiredService<IntegrationStore>();
        string[] push = [IntegrationDirections.Outbound, IntegrationDirections.InboundPush];
        await store.UpsertAsync(new Integration
        {
            Id = "pa-hubspot", AccountId = "acme", Crm = "hubspot", Directions = push,
            Credentials = new Dictionary<string, string> { ["clientSecret"] = "hs-client-secret-0123456789abcdef" },
        });
        await store.UpsertAsync(new Integration
        {
            Id = "pa-salesforce", AccountId = "acme", Crm = "salesforce", Directions = push,
            Credentials = new Dictionary<string, string> { ["outboundMessageSecret"] = "om-path-secret-0123456789abcdef" },
            Settings = JsonSerializer.SerializeToElement(new { organizationId = "00D5e000000AbCd" }),
        });
        foreach (var id in new[] { "pa-signed-a", "pa-signed-b", "pa-signed-c" })
        {
            await store.UpsertAsync(new Integration
            {
                Id = id, AccountId = "acme", Crm = "salesforce", Directions = push,
                Credentials = new Dictionary<string, string> { ["webhookSecret"] = WebhookSecret },
            });
        }
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _disposition.DisposeAsync();
        await _environment.DisposeAsync();
    }

    /// <summary>A push to the endpoint kind for the integration, with a wrong signature (or path secret).</summary>
    private async Task<HttpResponseMessage> BadPushAsync(string kind, string integrationId, byte[]? content = null)
    {
        var body = content ?? Encoding.UTF8.GetBytes("""[{"eventId": 1, "subscriptionType": "contact.propertyChange", "objectId": 1}]""");
        var now = DateTimeOffset.UtcNow;
        var request = kind switch
        {
            "hubspot" => new HttpRequestMessage(HttpMethod.Post, $"v1/dispositions/{integrationId}/hubspot"),
            "salesforce" => new HttpRequestMessage(HttpMethod.Post, $"v1/dispositions/{integrationId}/salesforce/not-the-path-secret-0000"),
            _ => new HttpRequestMessage(HttpMethod.Post, $"v1/dispositions/{integrationId}"),
        };
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json");
        if (kind == "hubspot")
        {
            request.Headers.Add(HubSpotSignature.TimestampHeader, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(HubSpotSignature.SignatureHeader, Convert.ToBase64String(new byte[32]));
        }
        else if (kind == "signed")
        {
            request.Headers.Add(WebhookSignature.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign("not-the-secret-0123456789abcdef-000", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), body));
        }
        return await _disposition.Client.SendAsync(request);
    }

    private static async Task<string> WithoutTraceAsync(HttpResponseMessage response)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    [TestCase("hubspot", "pa-hubspot")]
    [TestCase("salesforce", "pa-salesforce")]
    public async Task A_push_to_an_unknown_integration_is_answered_exactly_like_a_bad_signature(string kind, string known)
    {
        using var unknown = await BadPushAsync(kind, $"no-such-{kind}");
        using var badSignature = await BadPushAsync(kind, known);
        using var otherCrm = await BadPushAsync(kind, "pa-signed-c");

        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await WithoutTraceAsync(unknown), Is.EqualTo(await WithoutTraceAsync(badSignature)));
        Assert.That(await WithoutTraceAsync(otherCrm), Is.EqualTo(await WithoutTraceAsync(badSignature)), "an integration of another CRM: the same answer");
    }

    [TestCase("hubspot", "pa-hubspot-limit")]
    [TestCase("salesforce", "pa-salesforce-limit")]
    [TestCase("signed", "pa-signed-a")]
    public async Task Repeated_bad_signatures_are_answered_429_with_Retry_After(string kind, string integrationId)
    {
        var answers = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await BadPushAsync(kind, integrationId);
            answers.Add(last.StatusCode);
        }

        Assert.That(answers, Is.EqualTo(new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.That(last!.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        last.Dispose();
    }

    /// <summary>A JSON body one byte over the push limit.</summary>
    private static byte[] Oversized() => Encoding.UTF8.GetBytes("[\"" + new string('x', PushAuthentication.MaxBytes - 3) + "\"]");

    [TestCase("hubspot")]
    [TestCase("salesforce")]
    [TestCase("signed")]
    [TestCase("dealer")]
    public async Task An_oversized_push_is_answered_413_naming_the_body(string kind)
    {
        var integrationId = kind == "dealer" ? "pa-signed-b/dealer" : $"pa-{kind}";
        using var response = await BadPushAsync(kind == "dealer" ? "signed" : kind, integrationId, Oversized());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        Assert.That(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["field"]?.GetValue<string>(), Is.EqualTo("body"));
    }

    [TestCase("hubspot")]
    [TestCase("salesforce")]
    [TestCase("signed")]
    public async Task A_caller_past_its_failed_attempts_is_answered_429_before_its_body_is_read(string kind)
    {
        var integrationId = $"pa-oversize-{kind}";
        for (var i = 0; i < 3; i++)
        {
            using var refused = await BadPushAsync(kind, integrationId);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var oversized = await BadPushAsync(kind, integrationId, Oversized());

        Assert.That(oversized.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "one authentication step: the limit first, then the body");
    }

    [Test]
    public async Task Bad_pushes_for_one_integration_do_not_block_another_integrations_pushes_from_the_same_address()
    {
        for (var i = 0; i < 4; i++)
        {
            using var _ = await BadPushAsync("signed", "pa-signed-blocked");
        }
        using var blocked = await BadPushAsync("signed", "pa-signed-blocked");
        var body = JsonSerializer.Serialize(new { eventId = "pa-1", leadId = Guid.NewGuid(), status = "Working", occurredAt = DateTimeOffset.UtcNow });
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/dispositions/pa-signed-b") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(WebhookSecret, timestamp, Encoding.UTF8.GetBytes(body)));
        using var other = await _disposition.Client.SendAsync(request);

        Assert.That(blocked.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "authenticated, then: no such lead");
    }
}
