using LeadPlatform.Contracts;
using LeadPlatform.Disposition;
using LeadPlatform.ServiceDefaults;
using LeadPlatform.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeadPlatform.IntegrationTests.ScaleOut;

/// <summary>
/// A service addressed at a broker cluster and a database cluster, of which the first node named is down: it
/// connects to a node that answers (RabbitMQ: any; PostgreSQL: the primary) and works.
/// </summary>
[TestFixture]
public class ClusterAddressSpecs
{
    [Test]
    public async Task A_service_whose_first_broker_node_and_database_host_are_down_works_through_the_others()
    {
        await using var environment = await IsolatedEnvironment.CreateAsync("clusteraddress");
        var deadPort = FreePort.Next();
        var rabbit = new Uri(environment.RabbitMqUri);
        var postgres = new NpgsqlConnectionStringBuilder(environment.PostgresConnectionString);
        var config = new Dictionary<string, string?>
        {
            ["Admin:Key"] = IsolatedEnvironment.AdminKey,
            ["ConnectionStrings:RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{deadPort},{rabbit.Host}:{rabbit.Port}{rabbit.AbsolutePath}",
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(environment.PostgresConnectionString)
            {
                Host = $"127.0.0.1:{deadPort},{postgres.Host}:{postgres.Port}", TargetSessionAttributes = "primary", Timeout = 3,
            }.ConnectionString,
        };
        await using var disposition = await InProcessService.StartAsync("disposition-cluster", config,
            b => { b.AddServiceDefaults(); b.AddDisposition(); },
            a => { a.MapDefaultEndpoints(); a.MapDisposition(); });
        await Eventually.UntilAsync(async () => (await disposition.Client.GetAsync("health/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), "disposition to be ready through the live nodes");

        var leadId = Guid.NewGuid();
        await disposition.Services.GetRequiredService<IBus>().Publish(new LeadConverted
        {
            LeadId = leadId,
            AcceptedAt = DateTimeOffset.UtcNow,
            Lead = new Lead { Source = "roobrik", SourceLeadId = leadId.ToString(), AccountId = "acme", Conversion = Lead.SalesOptIn, Prospect = new Person() },
            Deliveries = [],
        });

        disposition.Client.DefaultRequestHeaders.Add("X-Admin-Key", IsolatedEnvironment.AdminKey);
        await Eventually.UntilAsync(async () => (await disposition.Client.GetAsync($"v1/leads/{leadId}/timeline")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(20), "the published lead to reach its timeline through the broker and the database");
    }
}
