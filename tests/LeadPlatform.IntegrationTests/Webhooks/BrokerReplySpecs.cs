using LeadPlatform.Contracts;
using LeadPlatform.IntegrationTests.Ingestion;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadPlatform.IntegrationTests.Webhooks;

/// <summary>
/// A broker publisher of its own (another bus, another connection) names a reply address (a MassTransit request
/// client) and hears LeadAccepted with the lead id, or LeadRefused with the offending field.
/// </summary>
[TestFixture]
public class BrokerReplySpecs
{
    private const string ApiKey = "reply-roobrik-api-key-0001";
    private IngestionHost _host = null!;
    private IHost _publisher = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = await IngestionHost.StartAsync("brokerreply");
        await _host.PutIntegrationAsync("acme-enquire", new { accountId = "acme-senior", crm = "enquire" });
        await _host.PutSourceKeyAsync("roobrik", ApiKey, "*");
        await Eventually.UntilAsync(async () => await _host.Environment.QueueDepthAsync(SubmitLeadQueue) is not null,
            TimeSpan.FromSeconds(15), "the submit-lead queue");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = _host.Environment.RabbitMqUri });
        builder.AddLeadPlatformBus();
        _publisher = builder.Build();
        using var starting = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _publisher.StartAsync(starting.Token);
    }

    private const string SubmitLeadQueue = "ingestion-submit-lead";

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _publisher.StopAsync();
        _publisher.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<Response<LeadAccepted, LeadRefused>> SubmitAsync(Lead lead, string? apiKey = ApiKey)
    {
        var client = _publisher.Services.GetRequiredService<IBus>()
            .CreateRequestClient<SubmitLead>(RequestTimeout.After(s: 30)); // published, as any publisher of SubmitLead does
        return await client.GetResponse<LeadAccepted, LeadRefused>(new SubmitLead { Lead = lead },
            x => x.UseExecute(c => { if (apiKey is not null) { c.Headers.Set("X-Api-Key", apiKey); } }));
    }

    private static Lead ALead(string sourceLeadId, string lastName = "Clark") => new()
    {
        Source = "roobrik", SourceLeadId = sourceLeadId, AccountId = "acme-senior", Conversion = Lead.SalesOptIn,
        Prospect = new Person { FirstName = "Edith", LastName = lastName },
    };

    [Test]
    public async Task An_accepted_lead_answers_LeadAccepted_with_its_lead_id_and_a_repeat_the_same_id()
    {
        var sourceLeadId = $"reply-{Guid.NewGuid():N}";

        var first = await SubmitAsync(ALead(sourceLeadId));
        var again = await SubmitAsync(ALead(sourceLeadId));

        Assert.That(first.Is(out Response<LeadAccepted>? accepted), Is.True);
        Assert.That(again.Is(out Response<LeadAccepted>? repeat), Is.True);
        Assert.That(accepted!.Message.LeadId, Is.Not.EqualTo(Guid.Empty));
        Assert.That(accepted.Message.Duplicate, Is.False);
        Assert.That(accepted.Message.SourceLeadId, Is.EqualTo(sourceLeadId));
        Assert.That(repeat!.Message.LeadId, Is.EqualTo(accepted.Message.LeadId));
        Assert.That(repeat.Message.Duplicate, Is.True);
        await _host.PublishedForAsync(accepted.Message.LeadId);
    }

    [Test]
    public async Task An_invalid_lead_answers_LeadRefused_naming_the_field_and_stores_nothing()
    {
        var before = await _host.CountsAsync();

        var response = await SubmitAsync(ALead($"bad-{Guid.NewGuid():N}", lastName: ""));

        Assert.That(response.Is(out Response<LeadRefused>? refused), Is.True);
        Assert.That(refused!.Message.Status, Is.EqualTo(400));
        Assert.That(refused.Message.Problems.Select(p => p.Field), Does.Contain("prospect.lastName"));
        Assert.That(await _host.CountsAsync(), Is.EqualTo(before));
        Assert.That(await _host.Environment.QueueDepthAsync(SubmitLeadQueue + "_error") ?? 0, Is.Zero, "answered, not dead-lettered as well");
    }

    [Test]
    public async Task A_lead_without_a_valid_key_answers_LeadRefused_401()
    {
        var response = await SubmitAsync(ALead($"nokey-{Guid.NewGuid():N}"), apiKey: "not-a-key-of-anyone-0000");

        Assert.That(response.Is(out Response<LeadRefused>? refused), Is.True);
        Assert.That(refused!.Message.Status, Is.EqualTo(401));
        Assert.That(refused.Message.Problems.Single().Field, Is.EqualTo("X-Api-Key"));
    }
}
