using LeadPlatform.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>Several broker nodes and several database hosts in one connection string each, as a cluster is addressed.</summary>
public class BrokerAndDatabaseAddressSpecs
{
    [Test]
    public void A_comma_separated_node_list_gives_every_node_with_its_port_and_the_shared_credentials_and_vhost()
    {
        var address = RabbitMqAddress.Parse("amqp://lead%40svc:p%3Ass@rabbit-0:5672,rabbit-1,rabbit-2:5673/lp%2Fprod");

        Assert.That(address.Nodes, Is.EqualTo(new[] { ("rabbit-0", 5672), ("rabbit-1", 5672), ("rabbit-2", 5673) }));
        Assert.That(address.UserName, Is.EqualTo("lead@svc"));
        Assert.That(address.Password, Is.EqualTo("p:ss"));
        Assert.That(address.VirtualHost, Is.EqualTo("lp/prod"));
    }

    [Test]
    public void A_single_node_URI_reads_as_before()
    {
        var address = RabbitMqAddress.Parse("amqp://guest:guest@127.0.0.1:5672/");

        Assert.That(address.Nodes, Is.EqualTo(new[] { ("127.0.0.1", 5672) }));
        Assert.That(address.VirtualHost, Is.EqualTo("/"));
        Assert.That(address.NodeUris.Single().ToString(), Is.EqualTo("amqp://guest:guest@127.0.0.1:5672/%2F"));
    }

    [Test]
    public void An_amqps_address_asks_for_TLS_on_the_TLS_port_unless_one_is_named()
    {
        var address = RabbitMqAddress.Parse("amqps://u:p@rabbit-0,rabbit-1:5999/lp");

        Assert.That(address.UsesTls, Is.True);
        Assert.That(address.Nodes, Is.EqualTo(new[] { ("rabbit-0", 5671), ("rabbit-1", 5999) }));
        Assert.That(RabbitMqAddress.Parse("amqp://u:p@rabbit-0/lp").UsesTls, Is.False);
    }

    [Test]
    public void Each_node_has_a_single_node_URI_for_clients_that_take_one()
    {
        var uris = RabbitMqAddress.Parse("amqp://u:p@a:5672,b:5673/lp_test").NodeUris;

        Assert.That(uris.Select(u => u.ToString()), Is.EqualTo(new[] { "amqp://u:p@a:5672/lp_test", "amqp://u:p@b:5673/lp_test" }));
    }

    [TestCase("rabbit-0:5672")]
    [TestCase("amqp://guest:guest@/vhost")]
    public void An_address_without_a_scheme_or_a_host_is_refused(string connectionString) =>
        Assert.That(() => RabbitMqAddress.Parse(connectionString), Throws.InstanceOf<FormatException>());

    [Test]
    public void A_multi_host_PostgreSQL_connection_string_targeting_the_primary_gives_a_multi_host_data_source()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] =
            "Host=pg-0:5432,pg-1:5432,pg-2;Database=leadplatform;Username=lp;Password=lp;Target Session Attributes=primary";
        builder.AddLeadPlatformDatabase("unit", typeof(BrokerAndDatabaseAddressSpecs).Assembly);
        using var services = builder.Services.BuildServiceProvider();

        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        Assert.That(dataSource, Is.InstanceOf<NpgsqlMultiHostDataSource>());
        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.That(settings.Host, Is.EqualTo("pg-0:5432,pg-1:5432,pg-2"));
        Assert.That(settings.TargetSessionAttributes, Is.EqualTo("primary"));
    }
}
