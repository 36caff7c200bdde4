using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using LeadPlatform.EndToEndTests.Faults;
using LeadPlatform.Testing;
using Npgsql;

namespace LeadPlatform.ClusterTests;

/// <summary>
/// TLS to RabbitMQ and PostgreSQL with a private CA (<see cref="TestCertificates"/>): a private RabbitMQ node with
/// a TLS listener and a private PostgreSQL with <c>ssl=on</c>, the services configured as an operator would, with
/// <c>amqps://...?cacertfile=ca.pem</c> and <c>SSL Mode=VerifyFull;Root Certificate=ca.pem</c>. Pass: leads flow end
/// to end, and every connection the services hold to either server is encrypted.
/// </summary>
[TestFixture, Category("Cluster"), NonParallelizable]
public class TlsSpecs
{
    private TestCertificates _certificates = null!;
    private PrivateServers<PostgresPair> _servers = null!;
    private FaultRig _rig = null!;
    private int _tlsPort;

    [OneTimeSetUp]
    public async Task Start()
    {
        _certificates = await TestCertificates.CreateAsync();
        _tlsPort = FreePort.Next();
        var rabbit = RabbitMqCluster.StartAsync(1, $"""
            listeners.ssl.default = 127.0.0.1:{_tlsPort}
            ssl_options.cacertfile = {_certificates.CaFile}
            ssl_options.certfile = {_certificates.CertificateFile}
            ssl_options.keyfile = {_certificates.KeyFile}
            ssl_options.verify = verify_none
            ssl_options.fail_if_no_peer_cert = false
            """);
        var postgres = PostgresPair.StartAsync(
            $"-c ssl=on -c ssl_cert_file={_certificates.CertificateFile} -c ssl_key_file={_certificates.KeyFile}");
        _servers = await PrivateServers<PostgresPair>.StartAsync(rabbit, postgres);
        var node = _servers.Rabbit.Nodes[0];
        // The test itself talks to the servers in plain text; only the services are held to TLS.
        var admin = $"Host=127.0.0.1;Port={_servers.Postgres.PrimaryPort.ToString(CultureInfo.InvariantCulture)};Database=postgres;Username=postgres;SSL Mode=Disable";
        _rig = await FaultRig.StartAsync("tlsservers", new ServerEndpoints(admin, "127.0.0.1", node.AmqpPort, node.ManagementUrl), environment => new Dictionary<string, string?>
        {
            ["ConnectionStrings:RabbitMq"] =
                $"amqps://guest:guest@127.0.0.1:{_tlsPort.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(environment.Name)}?cacertfile={Uri.EscapeDataString(_certificates.CaFile)}",
            ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(environment.PostgresConnectionString)
            {
                SslMode = SslMode.VerifyFull,
                RootCertificate = _certificates.CaFile,
            }.ToString(),
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
        _certificates?.Dispose();
    }

    [Test]
    public async Task Leads_flow_with_every_service_connection_encrypted()
    {
        var submissions = await _rig.StreamAsync("tls", () => Task.CompletedTask, perSecond: 10, seconds: 3);
        Assert.That(submissions.Where(s => s.Status != HttpStatusCode.Accepted), Is.Empty);
        await _rig.AssertNothingLostOrDuplicatedAsync("tls", submissions);

        await using (var connection = new NpgsqlConnection(_rig.Environment.PostgresConnectionString))
        {
            await connection.OpenAsync();
            var encrypted = await connection.QuerySingleAsync<(long Ssl, long Plain)>("""
                select count(*) filter (where s.ssl) as Ssl, count(*) filter (where not s.ssl) as Plain
                  from pg_stat_activity a join pg_stat_ssl s using (pid)
                 where a.datname = current_database() and a.backend_type = 'client backend'
                """);
            // The only plain connections are the test's own (SSL Mode=Disable): this one and the rig's pool.
            Assert.That(encrypted.Ssl, Is.GreaterThanOrEqualTo(3), "the three services' PostgreSQL connections over TLS");
        }

        using var management = _servers.Rabbit.Nodes[0].ManagementClient();
        var connections = await management.GetFromJsonAsync<List<JsonElement>>($"api/vhosts/{Uri.EscapeDataString(_rig.Environment.Name)}/connections");
        Assert.That(connections, Has.Count.GreaterThanOrEqualTo(3), "the services' broker connections");
        Assert.That(connections!.Select(c => (c.GetProperty("ssl").GetBoolean(), c.GetProperty("port").GetInt32())),
            Has.All.EqualTo((true, _tlsPort)), "every broker connection on the TLS listener");
    }
}
