using LeadPlatform.ServiceDefaults;

namespace LeadPlatform.UnitTests.ServiceDefaults;

/// <summary>The <c>cacertfile</c> query parameter of an <c>amqps://</c> address: the CA a private broker's certificates chain to.</summary>
public class RabbitMqCaFileSpecs
{
    [Test]
    public void The_cacertfile_parameter_names_the_CA_and_leaves_the_vhost_and_nodes_alone()
    {
        var address = RabbitMqAddress.Parse("amqps://svc:pw@rabbit-0,rabbit-1:5675/lp%2Fprod?cacertfile=%2Fetc%2Flp%2Fca.pem");

        Assert.That(address.CaCertificateFile, Is.EqualTo("/etc/lp/ca.pem"));
        Assert.That(address.VirtualHost, Is.EqualTo("lp/prod"));
        Assert.That(address.Nodes, Is.EqualTo(new[] { ("rabbit-0", 5671), ("rabbit-1", 5675) }));
    }

    [Test]
    public void Without_the_parameter_the_machines_CA_store_decides()
    {
        Assert.That(RabbitMqAddress.Parse("amqps://svc:pw@rabbit-0/lp").CaCertificateFile, Is.Null);
    }

    [Test]
    public void A_CA_file_without_a_certificate_is_refused_at_start()
    {
        var empty = Path.GetTempFileName();
        try
        {
            Assert.That(() => RabbitMqTls.TrustOnly(empty), Throws.InvalidOperationException.With.Message.Contains("no PEM certificate"));
        }
        finally
        {
            File.Delete(empty);
        }
    }
}
