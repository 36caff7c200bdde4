using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LeadPlatform.IntegrationTests.Support;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// Requests CRMs can read: the sandbox plays a gateway that refuses chunked bodies (411), and every body the
/// connectors send it carries a Content-Length.
/// </summary>
[TestFixture]
public class ContentLengthSpecs
{
    private CrmApiPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await CrmApiPlatform.StartAsync("content-length", new Dictionary<string, string?> { ["Sandbox:RefuseChunkedBodies"] = "true" });
        await _platform.PutSalesforceIntegrationAsync("cl-sf", "cl-sf", new { teamUserId = "005TEAM", company = "Acme" });
        await _platform.PutHubSpotIntegrationAsync("cl-hs", "cl-hs", new { leadStatus = "OPEN" });
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private sealed record Framed(string Method, string Path, long? ContentLength, bool Chunked);

    private static object Lead(string accountId, string email) => new
    {
        source = "chatbot",
        sourceLeadId = $"cl-{Guid.NewGuid():N}",
        accountId,
        conversion = "sales-opt-in",
        prospect = new { firstName = "Edith", lastName = "Clark", email, phone = "555-0100" },
    };

    [Test]
    public async Task The_gateway_stand_in_refuses_a_chunked_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "crm/v3/objects/contacts")
        {
            Content = JsonContent.Create(new { properties = new { email = "chunked@example.com" } }),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _platform.Sandbox.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.LengthRequired));
    }

    [TestCase("cl-sf", "sf.length@example.com")]
    [TestCase("cl-hs", "hs.length@example.com")]
    public async Task Every_body_a_connector_sends_carries_a_content_length(string accountId, string email)
    {
        (await _platform.Sandbox.Client.DeleteAsync("sandbox/requests")).EnsureSuccessStatusCode();
        var leadId = await _platform.PostLeadAsync(Lead(accountId, email));
        var delivery = await _platform.FinishedDeliveryAsync(leadId, TimeSpan.FromSeconds(30));
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"), delivery.ToString());

        var bodies = (await _platform.Sandbox.Client.GetFromJsonAsync<List<Framed>>("sandbox/requests", new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        Assert.That(bodies.Where(r => r.Method is "POST" or "PATCH"), Is.Not.Empty, "the connector sent bodies");
        Assert.That(bodies.Where(r => r.Chunked || r.ContentLength is null or 0), Is.Empty, "no body went chunked or without a length");
    }
}
