using LeadPlatform.Connectors;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.IntegrationTests.Connectors;

/// <summary>
/// What the shared connector pipeline promises, shown on one CRM through the real broker, database and the
/// sandbox over HTTP: no second record, Retry-After honoured, outages outlived without holding the queue,
/// refusals reported at once. Each test has an account (so an integration, a circuit) of its own.
/// </summary>
public abstract class ConnectorPipelineSpecs(string crm)
{
    protected ConnectorPlatform Platform { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartPlatform() => Platform = await ConnectorPlatform.StartAsync(crm);

    [OneTimeTearDown]
    public async Task StopPlatform() => await Platform.DisposeAsync();

    [TearDown]
    public Task ClearFaults() => Platform.SandboxApi.ClearFaultsAsync();

    /// <summary>How many records of the CRM carry this email (prospects, individuals, contacts).</summary>
    protected abstract Task<IReadOnlyList<SandboxClient.Record>> RecordsWithEmailAsync(string email);

    protected async Task<string> NewAccountAsync(object? settings = null)
    {
        var account = $"acct-{Guid.NewGuid():N}"[..17];
        await Platform.PutIntegrationAsync(account, settings);
        return account;
    }

    protected static string NewEmail(string who) => $"{who}.{Guid.NewGuid():N}@example.com";

    /// <summary>A phone of the test's own: the CRM matches people by phone too, across the tests sharing the sandbox.</summary>
    protected static string NewPhone() => $"555-{Random.Shared.Next(10_000_000):D7}";

    protected static object Lead(string account, string email, object? contact = null, object? prospect = null) => new
    {
        source = "roobrik",
        sourceLeadId = Guid.NewGuid().ToString("N"),
        accountId = account,
        conversion = "sales-opt-in",
        occurredAt = DateTimeOffset.UtcNow,
        prospect = prospect ?? new { firstName = "Edith", lastName = "Clark", email, phone = NewPhone() },
        contact,
        survey = new
        {
            name = "Senior Living Fit",
            outcome = "Assisted Living",
            reportText = "Edith would thrive in assisted living.",
            reportUrl = "https://reports.example/1",
            notes = "Has a cat",
            contactPreference = "Email",
        },
    };

    [Test]
    public async Task A_redelivered_LeadConverted_makes_no_second_record()
    {
        var email = NewEmail("redelivered");
        var leadId = await Platform.PostLeadAsync(Lead(await NewAccountAsync(), email));
        Assert.That((await Platform.EndedDeliveryAsync(leadId)).GetProperty("state").GetString(), Is.EqualTo("delivered"));
        var before = await RecordsWithEmailAsync(email);
        var attemptsBefore = (await Platform.LedgerAsync(leadId)).Attempts;

        // The same message again, twice, as a broker redelivery or a duplicate publish would bring it.
        var message = await Platform.ConvertedMessageAsync(leadId);
        var bus = Platform.Connector.Services.GetRequiredService<IBus>();
        await bus.Publish(message);
        await bus.Publish(message);
        await Eventually.UntilAsync(() => Task.FromResult(Platform.Consumed.Count(leadId) >= 3), TimeSpan.FromSeconds(10), "both copies consumed");

        var after = await RecordsWithEmailAsync(email);
        Assert.That(after.Select(r => (r.Id, r.Version)), Is.EqualTo(before.Select(r => (r.Id, r.Version))), "no record created or pushed again");
        Assert.That((await Platform.LedgerAsync(leadId)).Attempts, Is.EqualTo(attemptsBefore));
    }

    [Test]
    public async Task A_time_out_after_the_CRM_created_the_record_makes_no_second_record()
    {
        var account = await NewAccountAsync();
        await Platform.SandboxApi.FaultAsync(new { crm, mode = "timeout-after-create", count = 1, delayMs = 2500 });
        var email = NewEmail("timeout");

        var leadId = await Platform.PostLeadAsync(Lead(account, email));

        var delivery = await Platform.EndedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.GreaterThanOrEqualTo(2), "the first try timed out");
        Assert.That(await RecordsWithEmailAsync(email), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_429_with_Retry_After_is_waited_out()
    {
        var account = await NewAccountAsync();
        await Platform.SandboxApi.FaultAsync(new { crm, mode = "429", count = 1, retryAfterSeconds = 2 });
        var email = NewEmail("throttled");

        var leadId = await Platform.PostLeadAsync(Lead(account, email));

        var delivery = await Platform.EndedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(2));
        var ledger = await Platform.LedgerAsync(leadId);
        Assert.That(ledger.FinishedAt!.Value - ledger.CreatedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)),
            "the second try came no sooner than the CRM's Retry-After");
        Assert.That(await RecordsWithEmailAsync(email), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_CRM_down_longer_than_the_in_memory_retries_is_delivered_after_it_returns_with_nothing_held_in_the_queue()
    {
        var account = await NewAccountAsync();
        await Platform.SandboxApi.FaultAsync(new { crm, mode = "down", forSeconds = 12 });
        var email = NewEmail("outage");

        var leadId = await Platform.PostLeadAsync(Lead(account, email));

        await Eventually.UntilAsync(async () => (await Platform.LedgerAsync(leadId)).State == LedgerStates.RetryScheduled,
            TimeSpan.FromSeconds(10), "the delivery to be scheduled for later");
        // The broker's queue statistics lag a few seconds behind; wait for them, the CRM still down.
        await Eventually.UntilAsync(async () => await Platform.Environment.QueueDepthAsync($"connector-{crm}") == 0,
            TimeSpan.FromSeconds(10), $"connector-{crm} to hold no message");
        Assert.That((await Platform.LedgerAsync(leadId)).State, Is.Not.EqualTo(LedgerStates.Delivered), "still waiting for the CRM");
        Assert.That(await RecordsWithEmailAsync(email), Is.Empty);

        var delivery = await Platform.EndedDeliveryAsync(leadId, TimeSpan.FromSeconds(40));
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.GreaterThan(int.Parse(ConnectorPlatform.FastTimings["Connector:InMemoryAttempts"]!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(await RecordsWithEmailAsync(email), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_400_ends_as_LeadDeliveryFailed_at_once_with_the_CRMs_message()
    {
        var account = await NewAccountAsync();
        await Platform.SandboxApi.FaultAsync(new { crm, mode = "400", count = 1, message = "Phone number is not valid" });
        var email = NewEmail("refused");

        var leadId = await Platform.PostLeadAsync(Lead(account, email));

        var delivery = await Platform.EndedDeliveryAsync(leadId);
        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("failed"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1), "not retried");
        Assert.That(delivery.GetProperty("lastError").GetString(), Does.Contain("Phone number is not valid"));
        var ledger = await Platform.LedgerAsync(leadId);
        Assert.That(ledger.State, Is.EqualTo(LedgerStates.Failed));
        Assert.That(ledger.Permanent, Is.True);
        Assert.That(await RecordsWithEmailAsync(email), Is.Empty);
    }

    [Test]
    public async Task A_CRM_that_keeps_failing_opens_the_circuit_of_its_own_integration_only()
    {
        // One account's CRM cannot be reached at all (nothing listens there); another's is fine.
        var broken = $"acct-{Guid.NewGuid():N}"[..17];
        await Platform.PutIntegrationAsync(broken, endpoint: $"http://127.0.0.1:{FreePort.Next()}/{crm}/v1");
        var healthy = await NewAccountAsync();

        var stuck = await Platform.PostLeadAsync(Lead(broken, NewEmail("unreachable")));
        await Eventually.UntilAsync(async () => (await Platform.LedgerAsync(stuck)).LastError?.Contains("circuit open", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(15), "the broken integration's circuit to open");

        var email = NewEmail("unaffected");
        var delivery = await Platform.EndedDeliveryAsync(await Platform.PostLeadAsync(Lead(healthy, email)));

        Assert.That(delivery.GetProperty("state").GetString(), Is.EqualTo("delivered"));
        Assert.That(delivery.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
        Assert.That((await Platform.LedgerAsync(stuck)).State, Is.Not.EqualTo(LedgerStates.Delivered));
    }
}
