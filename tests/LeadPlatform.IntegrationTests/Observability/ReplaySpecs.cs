using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadPlatform.Ops;
using LeadPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using RabbitMQ.Client;

namespace LeadPlatform.IntegrationTests.Observability;

/// <summary>
/// The SRE's loop: deliveries fail while a CRM is down, the CRM comes back, <c>lpops replay --all</c> delivers each
/// failed one once and leaves the delivered ones alone; error queues drain back to their source.
/// </summary>
[TestFixture]
public class ReplaySpecs
{
    private const string Integration = "replay-enquire";
    private const string Account = "replay-account";
    private ObservedPlatform _platform = null!;

    [OneTimeSetUp]
    public async Task StartPlatform()
    {
        _platform = await ObservedPlatform.StartAsync("replay", new Dictionary<string, string?>
        {
            ["Connector:GiveUpAfter"] = "00:00:02",
            // The circuit must not still be open when the replay runs: a replayed delivery gets one round.
            ["Connector:CircuitBreakerFailures"] = "1000",
        });
        await _platform.PutEnquireIntegrationAsync(Integration, Account);
    }

    [OneTimeTearDown]
    public async Task StopPlatform() => await _platform.DisposeAsync();

    private async Task<int> Lpops(StringWriter output, params string[] args) =>
        await OpsCli.RunAsync([.. args, "--api", _platform.Ingestion.BaseAddress.ToString(), "--admin-key", ObservedPlatform.AdminKey,
            .. args.Contains("--disposition") ? Array.Empty<string>() : ["--disposition", "http://127.0.0.1:9/"]], output, output);

    [Test]
    public async Task Lead_and_unmapped_show_what_the_Disposition_service_answers()
    {
        // A stand-in answering with the Disposition service's shapes (services/Disposition/QueryEndpoints.cs).
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var disposition = builder.Build();
        disposition.MapGet("/v1/leads/{leadId:guid}/timeline", (Guid leadId) => Results.Ok(new
        {
            leadId,
            status = "Working",
            rawStatus = "In Progress",
            statusAt = DateTimeOffset.UtcNow,
            entries = new object[]
            {
                new { kind = "status", source = "webhook", integrationId = Integration, provider = "enquire", raw = "In Progress", value = "Working", mapped = true, occurredAt = DateTimeOffset.UtcNow },
                new { kind = "activity", source = "poll", integrationId = Integration, provider = "enquire", raw = "Smoke signal", value = (string?)null, mapped = false, occurredAt = DateTimeOffset.UtcNow },
            },
        }));
        disposition.MapGet("/v1/dispositions/unmapped", () => Results.Ok(new
        {
            providers = new[] { new { provider = "enquire", statuses = new[] { new { raw = "Gone fishing", count = 3, lastSeenAt = DateTimeOffset.UtcNow } }, activities = Array.Empty<object>() } },
        }));
        await disposition.StartAsync();

        var leadId = await PostLeadAsync($"timeline.{Guid.NewGuid():N}"[..17] + "@example.com");
        var lead = new StringWriter();
        Assert.That(await Lpops(lead, "lead", leadId, "--disposition", $"http://127.0.0.1:{port}/"), Is.Zero, lead.ToString());
        Assert.That(lead.ToString(), Does.Contain("status Working (raw In Progress)").And.Contain("unmapped raw 'Smoke signal'"));

        var unmapped = new StringWriter();
        Assert.That(await Lpops(unmapped, "unmapped", "--disposition", $"http://127.0.0.1:{port}/"), Is.Zero, unmapped.ToString());
        Assert.That(unmapped.ToString(), Does.Contain("enquire").And.Contain("Gone fishing").And.Contain("seen 3"));
        await disposition.StopAsync();
    }

    private async Task<string> PostLeadAsync(string email)
    {
        using var response = await _platform.Leads.PostAsJsonAsync("v1/leads",
            ObservedPlatform.Lead("roobrik", Guid.NewGuid().ToString(), Account, email));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leadId").GetString()!;
    }

    private async Task<int> RecordsWithEmailAsync(string email) =>
        (await _platform.SandboxApi.RecordsAsync("enquire", "individual")).Count(r => SandboxClient.Text(r, "email") == email);

    [Test]
    public async Task Replay_all_delivers_each_failed_delivery_once_after_the_CRM_is_back_and_leaves_delivered_ones_alone()
    {
        var deliveredEmail = $"kept.{Guid.NewGuid():N}"[..13] + "@example.com";
        var deliveredLead = await PostLeadAsync(deliveredEmail);
        await Eventually.UntilAsync(() => RecordsWithEmailAsync(deliveredEmail), n => n == 1, TimeSpan.FromSeconds(20), "the first lead delivered");

        await _platform.SandboxApi.FaultAsync(new { crm = "enquire", mode = "down" });
        var emails = Enumerable.Range(0, 5).Select(i => $"replay{i}.{Guid.NewGuid():N}"[..16] + "@example.com").ToList();
        var leads = new List<string>();
        foreach (var email in emails)
        {
            leads.Add(await PostLeadAsync(email));
        }
        using var admin = _platform.AdminClient();
        await Eventually.UntilAsync(() => admin.GetFromJsonAsync<JsonElement>($"v1/admin/deliveries/failed?integration={Integration}"),
            f => f.GetProperty("total").GetInt32() == 5, TimeSpan.FromSeconds(40), "the five deliveries to be given up as failed");

        var listing = new StringWriter();
        Assert.That(await Lpops(listing, "failed", "--integration", Integration, "--since", "1h"), Is.Zero, listing.ToString());
        Assert.That(listing.ToString(), Does.Contain("5 failed deliveries").And.Contain(leads[0]).And.Not.Contain(deliveredLead));

        await _platform.SandboxApi.ClearFaultsAsync();
        var output = new StringWriter();
        var exit = await Lpops(output, "replay", "--all", "--crm", "enquire", "--integration", Integration, "--batch", "2", "--wait", "--timeout", "60");

        Assert.That(exit, Is.Zero, output.ToString());
        Assert.That(output.ToString(), Does.Contain("Replaying 5 failed deliveries").And.Contain("scheduled 2/5").And.Contain("delivered 5, failed again 0"));
        foreach (var email in emails)
        {
            Assert.That(await RecordsWithEmailAsync(email), Is.EqualTo(1), $"{email} delivered exactly once");
        }
        Assert.That(await RecordsWithEmailAsync(deliveredEmail), Is.EqualTo(1), "the already delivered lead is not pushed again");
        var failed = await admin.GetFromJsonAsync<JsonElement>($"v1/admin/deliveries/failed?integration={Integration}");
        Assert.That(failed.GetProperty("total").GetInt32(), Is.Zero);

        // Delivered is not replayable; the lead command shows the ledger and survives a missing Disposition service.
        var again = new StringWriter();
        Assert.That(await Lpops(again, "replay", leads[0], Integration), Is.EqualTo(2));
        Assert.That(again.ToString(), Does.Contain("409"));
        var lead = new StringWriter();
        Assert.That(await Lpops(lead, "lead", leads[0]), Is.Zero, lead.ToString());
        Assert.That(lead.ToString(), Does.Contain(Integration).And.Contain("delivered").And.Contain("Timeline:").And.Contain("not available"));
        Assert.That(lead.ToString(), Does.Not.Contain(emails[0]), "no personal data in the CLI's lead view");
    }

    [Test]
    public async Task Replay_of_one_delivery_and_bad_filters_answer_clearly()
    {
        using var admin = _platform.AdminClient();
        using var missing = await admin.PostAsync($"v1/admin/deliveries/{Guid.NewGuid()}/{Integration}/replay", null);
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var badSince = await admin.GetAsync("v1/admin/deliveries/failed?since=yesterday-ish");
        Assert.That(badSince.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await badSince.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("since", out _), Is.True);
        using var noKey = await _platform.Ingestion.Client.GetAsync("v1/admin/deliveries/failed");
        Assert.That(noKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Errors_lists_error_queues_and_drain_moves_their_messages_back_to_the_source_queue()
    {
        var factory = new ConnectionFactory { Uri = new Uri(_platform.Environment.RabbitMqUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("ops-probe", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueDeclareAsync("ops-probe_error", durable: true, exclusive: false, autoDelete: false);
            for (var i = 0; i < 3; i++)
            {
                var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["MT-Fault-Message"] = "boom", ["keep"] = "yes" } };
                await channel.BasicPublishAsync("", "ops-probe_error", false, properties, Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"));
            }
        }

        var listing = await Eventually.UntilAsync(async () =>
        {
            var output = new StringWriter();
            await Lpops(output, "errors");
            return output.ToString();
        }, text => text.Contains("ops-probe_error", StringComparison.Ordinal) && text.Contains(" 3 messages", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the error queue listed with its depth");
        Assert.That(listing, Does.Contain("→ ops-probe"));

        var drain = new StringWriter();
        Assert.That(await Lpops(drain, "errors", "drain", "ops-probe_error"), Is.Zero, drain.ToString());
        Assert.That(drain.ToString(), Does.Contain("Moved 3 messages from ops-probe_error to ops-probe"));

        await using var check = await factory.CreateConnectionAsync();
        await using var reader = await check.CreateChannelAsync();
        Assert.That(await reader.MessageCountAsync("ops-probe_error"), Is.Zero);
        Assert.That(await reader.MessageCountAsync("ops-probe"), Is.EqualTo(3));
        var moved = await reader.BasicGetAsync("ops-probe", autoAck: true);
        Assert.That(moved!.BasicProperties.Headers, Does.ContainKey("keep").And.Not.ContainKey("MT-Fault-Message"));

        var notError = new StringWriter();
        Assert.That(await Lpops(notError, "errors", "drain", "ops-probe"), Is.EqualTo(2));
    }
}
