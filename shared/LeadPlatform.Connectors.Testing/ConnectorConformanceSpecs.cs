using System.Text.Json;
using LeadPlatform.Contracts;
using LeadPlatform.Integrations;
using LeadPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LeadPlatform.Connectors.Testing;

/// <summary>
/// The specifications every LeadPlatform CRM connector passes, run through the real pipeline: the connector hosted
/// as its Program.cs composes it, on a RabbitMQ vhost and PostgreSQL database of the fixture's own, talking HTTP to
/// a stand-in of its CRM. Derive one <c>[TestFixture]</c> per connector and say how to add it, start its stand-in
/// and configure an integration; override the leads when the CRM needs other data. Each spec has an account (so an
/// integration and a circuit) of its own.
/// </summary>
public abstract class ConnectorConformanceSpecs
{
    private ConformanceEnvironment _environment = null!;
    private DeliverySpans _spans = null!;

    protected ConnectorUnderTest Connector { get; private set; } = null!;
    protected ICrmStandIn StandIn { get; private set; } = null!;

    /// <summary>The lower-case CRM name the connector registers with <c>AddConnector&lt;T&gt;(name)</c>.</summary>
    protected abstract string Crm { get; }

    /// <summary>The connector's own registration, as in its Program.cs (e.g. <c>b.AddConnector&lt;AcmeConnector&gt;("acme")</c>).</summary>
    protected abstract void AddConnector(WebApplicationBuilder builder);

    protected abstract Task<ICrmStandIn> StartStandInAsync();

    /// <summary>An enabled integration of <paramref name="accountId"/> pointed at the stand-in: endpoint, credentials, settings.</summary>
    protected abstract Integration NewIntegration(string id, string accountId, ICrmStandIn standIn);

    /// <summary>Where the broker and database answer; by default from <c>LP_*</c> environment variables, else the local servers.</summary>
    protected virtual ConformanceServers Servers => ConformanceServers.FromEnvironment();

    /// <summary>A lead a person submitted for themselves, reachable at <paramref name="email"/>.</summary>
    protected virtual Lead SelfLead(string accountId, string email) => new()
    {
        Source = "conformance",
        SourceLeadId = Guid.NewGuid().ToString("N"),
        AccountId = accountId,
        Conversion = Lead.SalesOptIn,
        OccurredAt = DateTimeOffset.UtcNow,
        Prospect = new Person { FirstName = "Edith", LastName = "Clark", Email = email, Phone = NewPhone() },
        Survey = new Survey { Name = "Senior Living Fit", Outcome = "Assisted Living", ReportText = "A fit for assisted living." },
    };

    /// <summary>A lead submitted on someone else's behalf; <paramref name="email"/> is the submitter's (the contact's).</summary>
    protected virtual Lead OnBehalfLead(string accountId, string email) => SelfLead(accountId, email) with
    {
        Prospect = new Person { FirstName = "Edith", LastName = "Clark" },
        Contact = new Contact { FirstName = "Tom", LastName = "Clark", Email = email, Phone = NewPhone(), Relationship = "son" },
    };

    protected static string NewEmail(string who) => $"{who}.{Guid.NewGuid():N}@example.com";

    protected static string NewPhone() => $"555-{Random.Shared.Next(10_000_000):D7}";

    /// <summary>Integration settings from an anonymous object, as they would be saved through the admin API.</summary>
    protected static JsonElement Settings(object settings) => JsonSerializer.SerializeToElement(settings, PlatformJson.Options);

    [OneTimeSetUp]
    public async Task StartConnector()
    {
        _spans = new DeliverySpans();
        StandIn = await StartStandInAsync();
        _environment = await ConformanceEnvironment.CreateAsync(Crm, Servers);
        Connector = await ConnectorUnderTest.StartAsync(Crm, _environment, AddConnector);
    }

    [OneTimeTearDown]
    public async Task StopConnector()
    {
        if (Connector is not null)
        {
            await Connector.DisposeAsync();
        }
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
        if (StandIn is not null)
        {
            await StandIn.DisposeAsync();
        }
        _spans?.Dispose();
    }

    [TearDown]
    public Task ClearFaults() => StandIn.ClearFaultsAsync();

    /// <summary>A new account with an integration of this CRM, visible to the connector's catalog; <paramref name="configure"/> adjusts it.</summary>
    protected async Task<Integration> NewAccountAsync(Func<Integration, Integration>? configure = null)
    {
        var accountId = $"acct-{Guid.NewGuid():N}"[..17];
        var integration = NewIntegration($"{accountId}-{Crm}", accountId, StandIn) with { Crm = Crm, Enabled = true };
        integration = configure?.Invoke(integration) ?? integration;
        var store = Connector.Services.GetRequiredService<IntegrationStore>();
        await store.UpsertAsync(integration);
        // The catalog caches for a moment: wait until the pipeline's own store sees the integration.
        await Until.TrueAsync(async () => await store.FindAsync(integration.Id) is not null, TimeSpan.FromSeconds(10), $"integration {integration.Id}");
        return integration;
    }

    /// <summary>Publishes the lead as ingestion would, to this one integration; its id.</summary>
    protected async Task<LeadConverted> PublishAsync(Integration integration, Lead lead)
    {
        var message = new LeadConverted
        {
            LeadId = Guid.NewGuid(),
            AcceptedAt = DateTimeOffset.UtcNow,
            Lead = lead,
            Deliveries = [new PlannedDelivery { IntegrationId = integration.Id, Crm = Crm }],
        };
        await Connector.Bus.Publish(message);
        return message;
    }

    protected async Task<LeadDelivered> DeliveredAsync(Guid leadId)
    {
        var outcome = await Connector.OutcomeAsync(leadId);
        Assert.That(outcome, Is.InstanceOf<LeadDelivered>(), () => $"expected LeadDelivered, got {JsonSerializer.Serialize(outcome)}");
        return (LeadDelivered)outcome;
    }

    [Test]
    public async Task A_self_assessor_lead_is_delivered_as_a_created_record()
    {
        var integration = await NewAccountAsync();
        var email = NewEmail("self");

        var converted = await PublishAsync(integration, SelfLead(integration.AccountId, email));

        var delivered = await DeliveredAsync(converted.LeadId);
        Assert.That(delivered.Outcome, Is.EqualTo(CrmResult.Created));
        Assert.That(delivered.IntegrationId, Is.EqualTo(integration.Id));
        Assert.That(delivered.Crm, Is.EqualTo(Crm));
        Assert.That(delivered.Attempts, Is.EqualTo(1));
        Assert.That(delivered.RecordIds, Is.Not.Empty, "the CRM's record ids, so dispositions can find the lead");
        Assert.That(await StandIn.RecordsWithEmailAsync(email), Is.Not.Empty);
    }

    [Test]
    public async Task A_lead_on_behalf_of_someone_is_delivered_with_the_submitter_on_record()
    {
        var integration = await NewAccountAsync();
        var email = NewEmail("onbehalf");

        var converted = await PublishAsync(integration, OnBehalfLead(integration.AccountId, email));

        var delivered = await DeliveredAsync(converted.LeadId);
        Assert.That(delivered.RecordIds, Is.Not.Empty);
        Assert.That(await StandIn.RecordsWithEmailAsync(email), Is.Not.Empty, "the submitter's email is on a record");
    }

    [Test]
    public async Task A_redelivered_LeadConverted_makes_no_second_record_and_no_second_push()
    {
        var integration = await NewAccountAsync();
        var email = NewEmail("redelivered");
        var converted = await PublishAsync(integration, SelfLead(integration.AccountId, email));
        await DeliveredAsync(converted.LeadId);
        var before = await StandIn.RecordsWithEmailAsync(email);

        // The same message twice more, as a broker redelivery or a duplicate publish brings it.
        await Connector.Bus.Publish(converted);
        await Connector.Bus.Publish(converted);
        await Until.TrueAsync(() => Task.FromResult(Connector.Consumed(converted.LeadId) >= 3), TimeSpan.FromSeconds(15), "both copies consumed");

        Assert.That(await StandIn.RecordsWithEmailAsync(email), Is.EqualTo(before), "no record created or pushed again");
        Assert.That(Connector.AllOutcomes(converted.LeadId).OfType<LeadDelivered>().Select(d => d.Attempts).Distinct(), Is.EqualTo(new[] { 1 }),
            "any outcome published again is the same delivery");
    }

    [Test]
    public async Task A_time_out_after_the_CRM_created_the_record_is_found_by_lookup_not_created_twice()
    {
        var integration = await NewAccountAsync();
        var email = NewEmail("timeout");
        await StandIn.FailAsync(new CrmFault(CrmFaultKind.TimeoutAfterCreate));

        var converted = await PublishAsync(integration, SelfLead(integration.AccountId, email));

        var delivered = await DeliveredAsync(converted.LeadId);
        Assert.That(delivered.Attempts, Is.GreaterThanOrEqualTo(2), "the first try timed out");
        Assert.That(await StandIn.RecordsWithEmailAsync(email), Has.Count.EqualTo(1));
    }

    [TestCase(CrmFaultKind.Throttled)]
    [TestCase(CrmFaultKind.ServerError)]
    public async Task A_transient_refusal_is_retried_and_delivered_once(CrmFaultKind kind)
    {
        var integration = await NewAccountAsync();
        var email = NewEmail(kind.ToString().ToLowerInvariant());
        await StandIn.FailAsync(new CrmFault(kind));

        var converted = await PublishAsync(integration, SelfLead(integration.AccountId, email));

        var delivered = await DeliveredAsync(converted.LeadId);
        Assert.That(delivered.Attempts, Is.GreaterThanOrEqualTo(2), "the refused try counts");
        Assert.That(await StandIn.RecordsWithEmailAsync(email), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_permanent_refusal_ends_as_LeadDeliveryFailed_at_once()
    {
        var integration = await NewAccountAsync();
        var email = NewEmail("refused");
        await StandIn.FailAsync(new CrmFault(CrmFaultKind.Refused) { Message = "Phone number is not valid" });

        var converted = await PublishAsync(integration, SelfLead(integration.AccountId, email));

        var outcome = await Connector.OutcomeAsync(converted.LeadId);
        Assert.That(outcome, Is.InstanceOf<LeadDeliveryFailed>());
        var failed = (LeadDeliveryFailed)outcome;
        Assert.That(failed.Permanent, Is.True);
        Assert.That(failed.Attempts, Is.EqualTo(1), "not retried");
        Assert.That(failed.Reason, Is.Not.Empty);
        Assert.That(await StandIn.RecordsWithEmailAsync(email), Is.Empty);
    }

    [Test]
    public async Task A_delivery_span_carries_the_lead_integration_and_CRM_tags_and_no_personal_data()
    {
        var integration = await NewAccountAsync();
        var email = NewEmail("traced");
        var lead = SelfLead(integration.AccountId, email);

        var converted = await PublishAsync(integration, lead);
        await DeliveredAsync(converted.LeadId);

        var span = (await Until.ValueAsync(() => _spans.Of(converted.LeadId, Crm).FirstOrDefault(), TimeSpan.FromSeconds(5), "the delivery span"))!;
        Assert.That(span.GetTagItem(LeadTags.IntegrationId), Is.EqualTo(integration.Id));
        Assert.That(span.GetTagItem(LeadTags.Crm), Is.EqualTo(Crm));
        Assert.That(span.GetTagItem(LeadTags.AccountId), Is.EqualTo(integration.AccountId));
        Assert.That(span.GetTagItem("delivery.outcome"), Is.EqualTo(CrmResult.Created));
        var personal = new[] { email, lead.Prospect.Phone, lead.Prospect.LastName }.OfType<string>().ToArray();
        var leaked = span.TagObjects.Where(t => personal.Any(p => t.Value?.ToString()?.Contains(p, StringComparison.OrdinalIgnoreCase) == true));
        Assert.That(leaked.Select(t => t.Key), Is.Empty, "tags carrying the person's email, phone or name");
    }
}
